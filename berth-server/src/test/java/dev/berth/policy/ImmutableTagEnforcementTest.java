package dev.berth.policy;

import static dev.berth.policy.ImmutableRuleApiTest.created;
import static dev.berth.policy.ImmutableRuleApiTest.rule;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an immutable tag refuses, through {@code /v2/} and the artifact API alike, for every caller
 * (the administrator included), and what it still allows.
 */
class ImmutableTagEnforcementTest {
    private BerthServer server;
    private RegistryClient admin;
    private TestAccounts accounts;
    private String project;
    private String rules;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        accounts = new TestAccounts(server);
        project = accounts.project("immx", false);
        rules = "/api/v2.0/projects/" + project + "/immutabletagrules";
    }

    private RegistryClient.Image push(String repository, String tag) {
        return admin.pushImage(project + "/" + repository, tag, ("layer " + System.nanoTime()).getBytes());
    }

    private Response putManifest(RegistryClient c, String repository, String reference, byte[] manifest) {
        return c.send(
                "PUT",
                "/v2/" + project + "/" + repository + "/manifests/" + reference,
                manifest,
                "Content-Type",
                RegistryClient.OCI_MANIFEST);
    }

    private String digestOf(String repository, String tag) {
        return admin.head(
                        "/v2/" + project + "/" + repository + "/manifests/" + tag,
                        "Accept",
                        RegistryClient.OCI_MANIFEST)
                .header("Docker-Content-Digest")
                .orElse("none");
    }

    private String api(String repository) {
        return "/api/v2.0/projects/" + project + "/repositories/" + repository.replace("/", "%252F");
    }

    @Test
    void anImmutableTagCannotBeRepointedButTheSameDigestMayBePushedAgain() {
        RegistryClient.Image first = push("app", "v1");
        RegistryClient.Image other = push("app", "latest");
        created(postJson(admin, rules, rule("repoMatches", "**", "matches", "v*")));

        Response moved = putManifest(admin, "app", "v1", other.manifestBytes());
        assertThat(moved.status()).isEqualTo(412);
        JsonNode error = moved.json().path("errors").path(0);
        assertThat(error.path("code").asString()).isEqualTo("DENIED");
        assertThat(error.path("message").asString())
                .isEqualTo("Failed to process request due to 'app:v1' configured as immutable.");
        assertThat(digestOf("app", "v1")).isEqualTo(first.manifest().toString());

        // Pushing what the tag already holds changes nothing, so it is allowed (Harbor refuses it).
        RegistryClient.check(putManifest(admin, "app", "v1", first.manifestBytes()), 201);
        // A new tag may be created, even one the rule matches; then it is immutable in turn.
        RegistryClient.check(putManifest(admin, "app", "v2", other.manifestBytes()), 201);
        assertThat(putManifest(admin, "app", "v2", first.manifestBytes()).status())
                .isEqualTo(412);
        // Tags the rule does not match move freely.
        RegistryClient.check(putManifest(admin, "app", "latest", first.manifestBytes()), 201);
        assertThat(digestOf("app", "latest")).isEqualTo(first.manifest().toString());

        // ?tag= pushes by digest with extra tags follow the same rule, all or nothing.
        Response withTags = admin.send(
                "PUT",
                "/v2/" + project + "/app/manifests/" + other.manifest() + "?tag=fresh&tag=v1",
                other.manifestBytes(),
                "Content-Type",
                RegistryClient.OCI_MANIFEST);
        assertThat(withTags.status()).isEqualTo(412);
        assertThat(digestOf("app", "fresh")).isEqualTo("none");
    }

    @Test
    void anImmutableTagCannotBeDeletedByAnyPath() {
        RegistryClient.Image image = push("app", "v1");
        admin.pushManifest(project + "/app", "scratch", RegistryClient.OCI_MANIFEST, image.manifestBytes());
        created(postJson(admin, rules, rule("repoMatches", "app", "matches", "v1")));
        String artifact = api("app") + "/artifacts/" + image.manifest();

        Response tagDelete = admin.delete(artifact + "/tags/v1");
        assertThat(tagDelete.status()).isEqualTo(412);
        assertThat(tagDelete.json().path("errors").path(0).path("code").asString())
                .isEqualTo("PRECONDITION");
        assertThat(tagDelete.text()).contains("the tag v1 configured as immutable, cannot be deleted");

        Response v2ByTag = admin.delete("/v2/" + project + "/app/manifests/v1");
        assertThat(v2ByTag.status()).isEqualTo(412);
        assertThat(v2ByTag.json().path("errors").path(0).path("code").asString())
                .isEqualTo("DENIED");
        Response v2ByDigest = admin.delete("/v2/" + project + "/app/manifests/" + image.manifest());
        assertThat(v2ByDigest.status()).isEqualTo(412);
        assertThat(v2ByDigest.text()).contains("configured as immutable, cannot be deleted");

        Response artifactDelete = admin.delete(artifact);
        assertThat(artifactDelete.status()).isEqualTo(412);
        assertThat(artifactDelete.text()).contains("configured as immutable, cannot be deleted");
        Response repositoryDelete = admin.delete(api("app"));
        assertThat(repositoryDelete.status()).isEqualTo(412);
        assertThat(repositoryDelete.text()).contains("configured as immutable, cannot be deleted");

        // Nothing changed; a tag the rule does not match still goes.
        assertThat(digestOf("app", "v1")).isEqualTo(image.manifest().toString());
        RegistryClient.check(admin.delete(artifact + "/tags/scratch"), 200);
        assertThat(digestOf("app", "scratch")).isEqualTo("none");
        assertThat(admin.get(api("app")).json().path("artifact_count").asLong()).isEqualTo(1);

        // Other repositories of the project are not covered by this rule.
        RegistryClient.Image elsewhere = push("other", "v1");
        RegistryClient.check(admin.delete("/v2/" + project + "/other/manifests/" + elsewhere.manifest()), 202);
    }

    @Test
    void retaggingAndCopyingOntoAnImmutableTagAreRefused() {
        RegistryClient.Image image = push("app", "v1");
        RegistryClient.Image other = push("app", "next");
        String source = accounts.project("immsrc", false);
        copyInto(source, other.manifest().toString(), "v1");
        created(postJson(admin, rules, rule("repoMatches", "**", "matches", "v1")));

        // As in Harbor, POST …/tags never moves an existing tag: 409.
        Response retag = admin.send(
                "POST",
                api("app") + "/artifacts/" + other.manifest() + "/tags",
                "{\"name\":\"v1\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(retag.status()).isEqualTo(409);

        // A copy brings the source's tags along, and would move v1 here.
        Response copy = admin.send(
                "POST",
                api("app") + "/artifacts?from=" + source + "/app:v1",
                new byte[0],
                "Content-Type",
                "application/json");
        assertThat(copy.status()).isEqualTo(412);
        assertThat(copy.json().path("errors").path(0).path("code").asString()).isEqualTo("PRECONDITION");
        assertThat(copy.text()).contains("the tag v1 configured as immutable, cannot be updated");
        assertThat(digestOf("app", "v1")).isEqualTo(image.manifest().toString());

        // A copy that brings the tag onto the artifact it already names is fine.
        String back = accounts.project("immback", false);
        copyInto(back, image.manifest().toString(), "v1");
        RegistryClient.check(
                admin.send(
                        "POST",
                        api("app") + "/artifacts?from=" + back + "/app:v1",
                        new byte[0],
                        "Content-Type",
                        "application/json"),
                201);
        assertThat(digestOf("app", "v1")).isEqualTo(image.manifest().toString());
    }

    /** Copies this project's app@digest to otherProject/app through the API, and makes sure it has the tag there. */
    private void copyInto(String otherProject, String digest, String tag) {
        String target = "/api/v2.0/projects/" + otherProject + "/repositories/app/artifacts";
        RegistryClient.check(
                admin.send(
                        "POST",
                        target + "?from=" + project + "/app@" + digest,
                        new byte[0],
                        "Content-Type",
                        "application/json"),
                201);
        admin.send(
                "POST",
                target + "/" + digest + "/tags",
                ("{\"name\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(admin.get(target + "/" + tag).status()).isEqualTo(200);
    }

    @Test
    void disabledRulesExcludesAndDoubleStarRepositoryPatterns() {
        Map<String, byte[]> spare = new HashMap<>();
        for (String repository : new String[] {"team/app", "team/sub/web", "team", "solo", "extra"}) {
            push(repository, "1.0");
            spare.put(repository, push(repository, null).manifestBytes());
        }
        push("team/app", "dev-1");

        // team/** covers team/app and team/sub/web but not team itself; excludes dev-* means every other tag.
        long teamRule = created(postJson(admin, rules, rule("repoMatches", "team/**", "excludes", "dev-*")));
        assertThat(putManifest(admin, "team/app", "1.0", spare.get("team/app")).status())
                .isEqualTo(412);
        assertThat(putManifest(admin, "team/sub/web", "1.0", spare.get("team/sub/web"))
                        .status())
                .isEqualTo(412);
        RegistryClient.check(putManifest(admin, "team/app", "dev-1", spare.get("team/app")), 201);
        RegistryClient.check(putManifest(admin, "team", "1.0", spare.get("team")), 201);
        RegistryClient.check(putManifest(admin, "solo", "1.0", spare.get("solo")), 201);

        // repoExcludes with alternatives: every repository but solo and team.
        long others = created(postJson(admin, rules, rule("repoExcludes", "{solo,team}", "matches", "**")));
        RegistryClient.check(putManifest(admin, "team", "1.0", spare.get("team")), 201);
        assertThat(putManifest(admin, "extra", "1.0", spare.get("extra")).status())
                .isEqualTo(412);

        // Disabling the team rule lifts it at once: the rule change and the next push are ordered.
        Map<String, Object> disabled = rule("repoMatches", "team/**", "excludes", "dev-*");
        disabled.put("disabled", true);
        RegistryClient.check(putJson(admin, rules + "/" + teamRule, disabled), 200);
        // team/app is not solo or team, so the other rule still holds it...
        assertThat(putManifest(admin, "team/app", "1.0", spare.get("team/app")).status())
                .isEqualTo(412);
        // ...and once it is gone, the disabled rule holds nothing.
        RegistryClient.check(admin.delete(rules + "/" + others), 200);
        RegistryClient.check(putManifest(admin, "extra", "1.0", spare.get("extra")), 201);
        RegistryClient.check(putManifest(admin, "team/app", "1.0", spare.get("team/app")), 201);
        RegistryClient.check(putManifest(admin, "team/sub/web", "1.0", spare.get("team/sub/web")), 201);
    }

    @Test
    void listsReportImmutableTagsWhenAsked() {
        RegistryClient.Image image = push("app", "v1");
        admin.pushManifest(project + "/app", "latest", RegistryClient.OCI_MANIFEST, image.manifestBytes());
        created(postJson(admin, rules, rule("repoMatches", "app", "matches", "v*")));

        JsonNode withStatus = admin.get(api("app") + "/artifacts?with_immutable_status=true")
                .json()
                .path(0)
                .path("tags");
        assertThat(immutability(withStatus)).isEqualTo(Map.of("v1", true, "latest", false));
        JsonNode without = admin.get(api("app") + "/artifacts").json().path(0).path("tags");
        assertThat(immutability(without)).isEqualTo(Map.of("v1", false, "latest", false));
        JsonNode one = admin.get(api("app") + "/artifacts/latest?with_immutable_status=true")
                .json()
                .path("tags");
        assertThat(immutability(one)).isEqualTo(Map.of("v1", true, "latest", false));
        JsonNode tags = admin.get(api("app") + "/artifacts/v1/tags?with_immutable_status=true")
                .json();
        assertThat(immutability(tags)).isEqualTo(Map.of("v1", true, "latest", false));

        // A guest may read the status: it is part of the artifact, not of the rules.
        TestAccounts.Account guest = accounts.user("immg");
        accounts.member(project, guest, ProjectRole.GUEST);
        JsonNode seen = guest.client()
                .get(api("app") + "/artifacts?with_immutable_status=true")
                .json()
                .path(0)
                .path("tags");
        assertThat(immutability(seen)).isEqualTo(Map.of("v1", true, "latest", false));
    }

    private static Map<String, Boolean> immutability(JsonNode tags) {
        Map<String, Boolean> byName = new HashMap<>();
        tags.forEach(
                t -> byName.put(t.path("name").asString(), t.path("immutable").asBoolean()));
        return byName;
    }
}
