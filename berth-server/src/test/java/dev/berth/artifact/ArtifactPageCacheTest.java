package dev.berth.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Artifact pages served from memory ({@link ArtifactPageCache}) show every change as soon as it is
 * committed: each step below first reads the page twice (the second read must come from memory),
 * then changes what the page shows, through the API, the registry, the pull recorder or plain SQL
 * as another replica would, and reads the page again.
 */
class ArtifactPageCacheTest {
    private static final String NEVER = "0001-01-01T00:00:00.000Z";
    private static final String FLAGS =
            "?with_tag=true&with_label=true&with_immutable_status=true&with_accessory=true&with_signature=true";

    private BerthServer server;
    private RegistryClient admin;
    private JdbcClient sql;
    private ArtifactPageCache pages;
    private String project;
    private String repo;
    private String page;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        sql = server.bean(JdbcClient.class);
        pages = server.bean(ArtifactPageCache.class);
        project = TestUsers.uniqueName("pc");
        server.ensureProject(project, false);
        repo = project + "/app";
        page = "/api/v2.0/projects/" + project + "/repositories/app/artifacts" + FLAGS;
    }

    @Test
    void aCachedPageShowsEveryKindOfChangeAtOnce() {
        Pushed first = ArtifactFixtures.image(admin, repo, "v1", "amd64", 100);
        String artifact = "/api/v2.0/projects/" + project + "/repositories/app/artifacts/";

        cached();
        Pushed second = ArtifactFixtures.image(admin, repo, "v2", "arm64", 100);
        assertThat(digests(read()))
                .containsExactly(second.digest().toString(), first.digest().toString());
        assertThat(read().header("X-Total-Count")).contains("2");

        cached();
        post(artifact + first.digest() + "/tags", "{\"name\":\"stable\"}", 201);
        assertThat(tags(read(), first)).containsExactly("stable", "v1");

        cached();
        RegistryClient.check(admin.delete(artifact + first.digest() + "/tags/stable"), 200);
        assertThat(tags(read(), first)).containsExactly("v1");

        cached();
        // A tag moved from one listed artifact to the other: no count changes, the page does.
        admin.pushManifest(repo, "v1", RegistryClient.OCI_MANIFEST, second.manifest());
        assertThat(tags(read(), second)).containsExactly("v1", "v2");
        assertThat(tags(read(), first)).isEmpty();

        long label = created(post(
                "/api/v2.0/labels",
                "{\"name\":\"qa\",\"scope\":\"p\",\"project_id\":" + projectId() + ",\"color\":\"#00FF00\"}",
                201));
        cached();
        post(artifact + second.digest() + "/labels", "{\"id\":" + label + "}", 200);
        assertThat(labels(read(), second)).containsExactly("qa");

        cached();
        RegistryClient.check(
                admin.send(
                        "PUT",
                        "/api/v2.0/labels/" + label,
                        TestUsers.body("{\"name\":\"verified\",\"color\":\"#00FF00\"}"),
                        TestUsers.CONTENT_JSON),
                200);
        assertThat(labels(read(), second)).containsExactly("verified");

        cached();
        RegistryClient.check(admin.delete("/api/v2.0/labels/" + label), 200);
        assertThat(labels(read(), second)).isEmpty();

        cached();
        post(
                "/api/v2.0/projects/" + project + "/immutabletagrules",
                new String(RegistryClient.JSON.writeValueAsBytes(rule("**", "v2"))),
                201);
        assertThat(immutable(read(), second)).containsExactly("false", "true");

        cached();
        Pushed signature = ArtifactFixtures.artifact(admin, repo, null, "application/vnd.dev.sig", second);
        assertThat(accessories(read(), second))
                .containsExactly(signature.digest().toString());

        cached();
        Instant before = Instant.now().minusSeconds(1);
        RegistryClient.check(admin.get("/v2/" + repo + "/manifests/v2", "Accept", RegistryClient.OCI_MANIFEST), 200);
        // Pull times are written about once a second, off the request path.
        JsonNode pulled = eventually(
                () -> entry(read(), second),
                a -> !a.path("pull_time").asString().equals(NEVER));
        assertThat(Instant.parse(pulled.path("pull_time").asString())).isAfter(before);
        assertThat(pulled.path("tags").path(1).path("pull_time").asString()).isNotEqualTo(NEVER);

        cached();
        // Another replica's change reaches this one through the database alone.
        long repositoryId = sql.sql("SELECT id FROM repository WHERE name = ?")
                .param(repo)
                .query(Long.class)
                .single();
        long firstId = sql.sql("SELECT id FROM manifest WHERE repository_id = ? AND digest = ?")
                .param(repositoryId)
                .param(first.digest().toString())
                .query(Long.class)
                .single();
        sql.sql("INSERT INTO tag (repository_id, name, manifest_id) VALUES (?, 'from-elsewhere', ?)")
                .param(repositoryId)
                .param(firstId)
                .update();
        assertThat(tags(read(), first)).containsExactly("from-elsewhere");

        cached();
        RegistryClient.check(admin.delete(artifact + first.digest()), 200);
        assertThat(digests(read())).containsExactly(second.digest().toString());
        assertThat(read().header("X-Total-Count")).contains("1");
    }

    @Test
    void aPageIsSentCompressedToClientsThatAskAndTheSameEitherWay() {
        ArtifactFixtures.image(admin, repo, "v1", "amd64", 100);
        cached();
        Response plain = read();
        Response gzipped = admin.get(page, "Accept-Encoding", "deflate, gzip;q=0.8");
        RegistryClient.check(gzipped, 200);
        assertThat(gzipped.header("Content-Encoding")).contains("gzip");
        assertThat(gzipped.header("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Encoding"));
        assertThat(gzipped.header("X-Total-Count")).isEqualTo(plain.header("X-Total-Count"));
        assertThat(RegistryClient.gunzip(gzipped.body())).isEqualTo(plain.body());

        Response refused = admin.get(page, "Accept-Encoding", "gzip;q=0, identity");
        assertThat(refused.header("Content-Encoding")).isEmpty();
        assertThat(refused.body()).isEqualTo(plain.body());
        assertThat(plain.header("Content-Encoding")).isEmpty();
    }

    @Test
    void aPageBuiltBeforeItsExtraAttrsWereStoredIsNotKept() {
        ArtifactFixtures.image(admin, repo, "v1", "arm64", 100);
        cached(); // the push's extra_attrs are stored
        // As if they were not yet (a bulk load, an upgrade): the row gone, the page's version moved.
        forgetStoredAttributes();
        assertThat(architecture()).isEqualTo("arm64");
        // Again, now that this server has them in memory too (or had them already, if the first
        // read came before the push had stored them): memory must not stand in for the table.
        forgetStoredAttributes();
        long notKept = count("uncached");
        long hits = count("hit");
        // Built with extra_attrs from memory or derived on the fly (and stored on the way): not kept.
        assertThat(architecture()).isEqualTo("arm64");
        assertThat(count("uncached")).isEqualTo(notKept + 1);
        // So the next read builds it again, now from stored attributes, and keeps it.
        assertThat(architecture()).isEqualTo("arm64");
        assertThat(count("hit")).isEqualTo(hits);
        assertThat(architecture()).isEqualTo("arm64");
        assertThat(count("hit")).isEqualTo(hits + 1);
    }

    private void forgetStoredAttributes() {
        sql.sql("DELETE FROM config_attributes WHERE config_digest IN"
                        + " (SELECT m.config_digest FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.name = ?)")
                .param(repo)
                .update();
        sql.sql("UPDATE repository SET listing_version = listing_version + 1 WHERE name = ?")
                .param(repo)
                .update();
    }

    private String architecture() {
        return read().json().path(0).path("extra_attrs").path("architecture").asString();
    }

    /**
     * Reads the page until a read is served from memory (at once, unless the extra_attrs of a fresh
     * push are still being stored), which must say what the read before it said.
     */
    private void cached() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Response previous = read();
        while (Instant.now().isBefore(deadline)) {
            long hits = count("hit");
            Response again = read();
            if (count("hit") > hits) {
                assertThat(again.body()).isEqualTo(previous.body());
                return;
            }
            previous = again;
        }
        throw new AssertionError("the page was never served from memory");
    }

    private Response read() {
        Response r = admin.get(page);
        RegistryClient.check(r, 200);
        return r;
    }

    private long count(String result) {
        ArtifactPageCache.Counts counts = pages.counts();
        return switch (result) {
            case "hit" -> counts.hits();
            case "miss" -> counts.misses();
            default -> counts.uncached();
        };
    }

    private Response post(String path, String json, int status) {
        Response r = admin.send("POST", path, TestUsers.body(json), TestUsers.CONTENT_JSON);
        RegistryClient.check(r, status);
        return r;
    }

    private long projectId() {
        return admin.get("/api/v2.0/projects/" + project)
                .json()
                .path("project_id")
                .asLong();
    }

    private static long created(Response r) {
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private static Map<String, Object> rule(String repositories, String tags) {
        Map<String, Object> body = new HashMap<>();
        body.put("action", "immutable");
        body.put("template", "immutable_template");
        body.put("disabled", false);
        body.put(
                "scope_selectors",
                Map.of(
                        "repository",
                        List.of(Map.of("kind", "doublestar", "decoration", "repoMatches", "pattern", repositories))));
        body.put("tag_selectors", List.of(Map.of("kind", "doublestar", "decoration", "matches", "pattern", tags)));
        return body;
    }

    private static List<String> digests(Response r) {
        List<String> out = new ArrayList<>();
        r.json().forEach(a -> out.add(a.path("digest").asString()));
        return out;
    }

    private static JsonNode entry(Response r, Pushed artifact) {
        for (JsonNode a : r.json()) {
            if (a.path("digest").asString().equals(artifact.digest().toString())) {
                return a;
            }
        }
        throw new AssertionError(artifact.digest() + " not listed: " + r.text());
    }

    /** The {@code field} of each element of the artifact's nested {@code array}. */
    private static List<String> nested(Response r, Pushed artifact, String array, String field) {
        List<String> out = new ArrayList<>();
        entry(r, artifact).path(array).forEach(e -> out.add(e.path(field).asString()));
        return out;
    }

    private static List<String> tags(Response r, Pushed artifact) {
        return nested(r, artifact, "tags", "name");
    }

    private static List<String> labels(Response r, Pushed artifact) {
        return nested(r, artifact, "labels", "name");
    }

    private static List<String> immutable(Response r, Pushed artifact) {
        return nested(r, artifact, "tags", "immutable");
    }

    private static List<String> accessories(Response r, Pushed artifact) {
        return nested(r, artifact, "accessories", "digest");
    }

    private static JsonNode eventually(java.util.function.Supplier<JsonNode> read, Predicate<JsonNode> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode last = read.get();
        while (!done.test(last) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        assertThat(done.test(last)).as("changed within 15 s: %s", last).isTrue();
        return last;
    }
}
