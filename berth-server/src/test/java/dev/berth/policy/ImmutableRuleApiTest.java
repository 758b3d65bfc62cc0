package dev.berth.policy;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /projects/{p}/immutabletagrules}: Harbor's shapes, validation, permission matrix and audit. */
class ImmutableRuleApiTest {
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
        project = accounts.project("immu", false);
        rules = "/api/v2.0/projects/" + project + "/immutabletagrules";
    }

    /** A rule body as Harbor's portal and python client send it. */
    static Map<String, Object> rule(
            String repoDecoration, String repoPattern, String tagDecoration, String tagPattern) {
        Map<String, Object> body = new HashMap<>();
        body.put("action", "immutable");
        body.put("template", "immutable_template");
        body.put("priority", 0);
        body.put("disabled", false);
        body.put(
                "scope_selectors",
                Map.of(
                        "repository",
                        List.of(Map.of("kind", "doublestar", "decoration", repoDecoration, "pattern", repoPattern))));
        body.put(
                "tag_selectors",
                List.of(Map.of("kind", "doublestar", "decoration", tagDecoration, "pattern", tagPattern)));
        return body;
    }

    static long created(Response r) {
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void rulesAreCreatedListedUpdatedAndDeletedInHarborsShape() {
        long id = created(postJson(admin, rules, rule("repoMatches", "team/**", "matches", "v*")));
        assertThat(postJson(admin, rules, rule("repoMatches", "team/**", "matches", "v*"))
                        .status())
                .as("the same selectors twice")
                .isEqualTo(409);
        long second = created(postJson(admin, rules, rule("repoExcludes", "{a,b}", "excludes", "dev-*")));

        Response list = admin.get(rules);
        RegistryClient.check(list, 200);
        assertThat(list.header("X-Total-Count")).contains("2");
        JsonNode first = list.json().path(0);
        assertThat(first.path("id").asLong()).isEqualTo(id);
        assertThat(first.path("disabled").asBoolean()).isFalse();
        assertThat(first.path("action").asString()).isEqualTo("immutable");
        assertThat(first.path("template").asString()).isEqualTo("immutable_template");
        assertThat(first.path("tag_selectors").path(0).path("kind").asString()).isEqualTo("doublestar");
        assertThat(first.path("tag_selectors").path(0).path("decoration").asString())
                .isEqualTo("matches");
        assertThat(first.path("tag_selectors").path(0).path("pattern").asString())
                .isEqualTo("v*");
        JsonNode scope = first.path("scope_selectors").path("repository").path(0);
        assertThat(scope.path("decoration").asString()).isEqualTo("repoMatches");
        assertThat(scope.path("pattern").asString()).isEqualTo("team/**");

        // Page by page with Harbor's headers; by project id as well as by name.
        Response page = admin.get(rules + "?page=2&page_size=1");
        assertThat(page.json().path(0).path("id").asLong()).isEqualTo(second);
        assertThat(page.header("Link").orElseThrow()).contains("rel=\"prev\"");
        long projectId = accounts.projectId(project);
        Response byId = admin.get("/api/v2.0/projects/" + projectId + "/immutabletagrules");
        assertThat(byId.header("X-Total-Count")).contains("2");
        Response byName = admin.get(rules, "X-Is-Resource-Name", "true");
        assertThat(byName.header("X-Total-Count")).contains("2");

        Map<String, Object> update = rule("repoMatches", "**", "matches", "release-*");
        update.put("id", id);
        update.put("disabled", true);
        update.put("priority", 3);
        RegistryClient.check(putJson(admin, rules + "/" + id, update), 200);
        JsonNode changed = admin.get(rules + "?q=id%3D" + id).json().path(0);
        assertThat(changed.path("disabled").asBoolean()).isTrue();
        assertThat(changed.path("priority").asInt()).isEqualTo(3);
        assertThat(changed.path("tag_selectors").path(0).path("pattern").asString())
                .isEqualTo("release-*");
        assertThat(admin.get(rules + "?q=disabled%3Dtrue").header("X-Total-Count"))
                .contains("1");

        // An update may not turn a rule into a copy of another.
        assertThat(putJson(admin, rules + "/" + second, rule("repoMatches", "**", "matches", "release-*"))
                        .status())
                .isEqualTo(409);
        update.put("id", second);
        assertThat(putJson(admin, rules + "/" + id, update).status()).isEqualTo(400);

        RegistryClient.check(admin.delete(rules + "/" + id), 200);
        assertThat(admin.delete(rules + "/" + id).status()).isEqualTo(404);
        assertThat(admin.get(rules).header("X-Total-Count")).contains("1");

        String audit = admin.get("/api/v2.0/audit-logs?page_size=100&q=resource_type%3Dimmutable_tag_rule,resource%3D~"
                        + project)
                .text();
        assertThat(audit)
                .contains(project + "/rules/" + id)
                .contains("\"create\"")
                .contains("\"update\"");
        assertThat(audit).contains("\"delete\"");
    }

    @Test
    void badRulesAreRefusedWithHarborsErrorAndChangeNothing() {
        List<Map<String, Object>> bad = List.of(
                rule("repoMatches", "{a,b", "matches", "v*"),
                rule("repoMatches", "**", "matches", "v[]"),
                rule("matches", "**", "matches", "v*"),
                rule("repoMatches", "**", "repoMatches", "v*"),
                rule("repoMatches", "**", "with", "v*"),
                with(rule("repoMatches", "**", "matches", "v*"), "action", "retain"),
                with(rule("repoMatches", "**", "matches", "v*"), "template", "latestPushedK"),
                with(rule("repoMatches", "**", "matches", "v*"), "disabled", "yes"),
                with(rule("repoMatches", "**", "matches", "v*"), "tag_selectors", List.of()),
                with(
                        rule("repoMatches", "**", "matches", "v*"),
                        "tag_selectors",
                        List.of(
                                Map.of("kind", "doublestar", "decoration", "matches", "pattern", "a"),
                                Map.of("kind", "doublestar", "decoration", "matches", "pattern", "b"))),
                with(
                        rule("repoMatches", "**", "matches", "v*"),
                        "tag_selectors",
                        List.of(Map.of("kind", "regex", "decoration", "matches", "pattern", "a"))),
                with(
                        rule("repoMatches", "**", "matches", "v*"),
                        "scope_selectors",
                        Map.of("namespace", List.of(Map.of("decoration", "nsMatches", "pattern", "x")))),
                with(rule("repoMatches", "**", "matches", "v*"), "scope_selectors", "everything"));
        for (Map<String, Object> body : bad) {
            Response r = postJson(admin, rules, body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.json().path("errors").path(0).path("code").asString()).isEqualTo("BAD_REQUEST");
        }
        assertThat(admin.send("POST", rules, "{".getBytes(), "Content-Type", "application/json")
                        .status())
                .isEqualTo(400);
        assertThat(admin.get(rules).header("X-Total-Count")).contains("0");
        assertThat(admin.get(rules + "?q=pattern%3Dx").status()).isEqualTo(400);
    }

    @Test
    void aProjectHoldsAtMostFifteenRules() {
        for (int i = 0; i < 15; i++) {
            created(postJson(admin, rules, rule("repoMatches", "r" + i, "matches", "**")));
        }
        Response sixteenth = postJson(admin, rules, rule("repoMatches", "r15", "matches", "**"));
        assertThat(sixteenth.status()).isEqualTo(400);
        assertThat(sixteenth.text()).contains("15");
        assertThat(admin.get(rules).header("X-Total-Count")).contains("15");
    }

    @Test
    void aRuleOfAnotherProjectCannotBeReachedThroughThisOne() {
        String other = accounts.project("immuo", false);
        long foreign = created(postJson(
                admin,
                "/api/v2.0/projects/" + other + "/immutabletagrules",
                rule("repoMatches", "**", "matches", "*")));
        TestAccounts.Account owner = accounts.user("immown");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);

        Map<String, Object> disable = rule("repoMatches", "**", "matches", "*");
        disable.put("disabled", true);
        assertThat(putJson(owner.client(), rules + "/" + foreign, disable).status())
                .isEqualTo(404);
        assertThat(owner.client().delete(rules + "/" + foreign).status()).isEqualTo(404);
        assertThat(putJson(admin, rules + "/" + foreign, disable).status()).isEqualTo(404);
        JsonNode still = admin.get("/api/v2.0/projects/" + other + "/immutabletagrules")
                .json()
                .path(0);
        assertThat(still.path("id").asLong()).isEqualTo(foreign);
        assertThat(still.path("disabled").asBoolean()).isFalse();
    }

    @Test
    void projectAdminsAndMaintainersManageRulesAndNobodyElseSeesThem() {
        long existing = created(postJson(admin, rules, rule("repoMatches", "**", "matches", "keep")));
        for (ProjectRole role : List.of(ProjectRole.PROJECT_ADMIN, ProjectRole.MAINTAINER)) {
            TestAccounts.Account user = accounts.user("immok");
            accounts.member(project, user, role);
            RegistryClient c = user.client();
            RegistryClient.check(c.get(rules), 200);
            long id = created(postJson(c, rules, rule("repoMatches", "**", "matches", role.name())));
            Map<String, Object> update = rule("repoMatches", "**", "matches", role.name() + "-x");
            RegistryClient.check(putJson(c, rules + "/" + id, update), 200);
            RegistryClient.check(c.delete(rules + "/" + id), 200);
        }
        for (ProjectRole role : List.of(ProjectRole.DEVELOPER, ProjectRole.GUEST, ProjectRole.LIMITED_GUEST)) {
            TestAccounts.Account user = accounts.user("immno");
            accounts.member(project, user, role);
            assertDenied(user.client(), existing, 403, role.name());
        }
        assertDenied(accounts.user("immout").client(), existing, 404, "outsider");
        assertDenied(server.anonymousClient(), existing, 401, "anonymous");

        JsonNode manager = robot("project:read", "immutable-tag:list", "immutable-tag:create", "immutable-tag:delete");
        RegistryClient asManager = server.client(
                manager.get("name").asString(), manager.get("secret").asString());
        RegistryClient.check(asManager.get(rules), 200);
        long byRobot = created(postJson(asManager, rules, rule("repoMatches", "**", "matches", "robot")));
        assertThat(putJson(asManager, rules + "/" + byRobot, rule("repoMatches", "**", "matches", "robot2"))
                        .status())
                .as("no update grant")
                .isEqualTo(403);
        RegistryClient.check(asManager.delete(rules + "/" + byRobot), 200);

        JsonNode pusher = robot("project:read", "repository:push", "repository:pull", "artifact:delete");
        assertDenied(
                server.client(
                        pusher.get("name").asString(), pusher.get("secret").asString()),
                existing,
                403,
                "robot without immutable-tag");
        assertThat(admin.get(rules).header("X-Total-Count")).contains("1");
    }

    private JsonNode robot(String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("immbot"));
        body.put("level", "project");
        body.put("permissions", List.of(permission("project", project, access)));
        return createRobot(admin, body);
    }

    private void assertDenied(RegistryClient c, long existing, int status, String who) {
        assertThat(c.get(rules).status()).as(who + " list").isEqualTo(status);
        assertThat(postJson(c, rules, rule("repoMatches", "**", "matches", "x")).status())
                .as(who + " create")
                .isEqualTo(status);
        assertThat(putJson(c, rules + "/" + existing, rule("repoMatches", "**", "matches", "y"))
                        .status())
                .as(who + " update")
                .isEqualTo(status);
        assertThat(c.delete(rules + "/" + existing).status())
                .as(who + " delete")
                .isEqualTo(status);
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        body.put(key, value);
        return body;
    }
}
