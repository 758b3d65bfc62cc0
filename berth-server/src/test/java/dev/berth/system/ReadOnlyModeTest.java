package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-only mode on two replicas of one database: switched on at one, every change is refused at
 * the other at once, in each protocol's error format, and changes nothing; reads, pulls and signing
 * in go on; only an administrator can switch it off again, also while it is on.
 */
class ReadOnlyModeTest {
    private static TestDatabase db;
    private static BerthServer a;
    private static BerthServer b;

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        a = BerthServer.withDatabase(db, Map.of());
        b = BerthServer.withDatabase(db, Map.of());
    }

    @AfterAll
    static void stop() {
        Closing.all(b, a, db);
    }

    @Test
    void whileReadOnlyNoReplicaAcceptsAChangeAndReadsGoOn() {
        RegistryClient adminA = a.adminClient();
        RegistryClient adminB = b.adminClient();
        String project = TestUsers.uniqueName("ro");
        a.ensureProject(project, false);
        RegistryClient.Image image = adminA.pushImage(project + "/app", "v1", bytes("layer"));
        TestUsers.TestUser user = TestUsers.create(a, "rouser");
        assertThat(readOnly(adminB)).isFalse();

        RegistryClient.check(setReadOnly(adminA, true), 200);
        assertThat(readOnly(adminA)).isTrue();
        assertThat(readOnly(adminB)).isTrue();
        assertThat(adminB.get("/api/v2.0/configurations")
                        .json()
                        .path("read_only")
                        .path("value")
                        .asBoolean())
                .isTrue();

        // The registry, on the other replica: uploads, manifests, deletes.
        String repo = "/v2/" + project + "/app";
        denied(adminB.send("POST", repo + "/blobs/uploads/", new byte[0]), true);
        denied(
                adminB.send(
                        "PUT",
                        repo + "/manifests/v2",
                        image.manifestBytes(),
                        "Content-Type",
                        RegistryClient.OCI_MANIFEST),
                true);
        denied(adminB.delete(repo + "/manifests/" + image.manifest()), true);
        // The API: creating, changing, deleting.
        String other = TestUsers.uniqueName("ro");
        denied(adminB.createProject(other, false), false);
        denied(adminB.delete("/api/v2.0/projects/" + project + "/repositories/app"), false);
        denied(
                adminB.send(
                        "POST",
                        "/api/v2.0/labels",
                        TestUsers.body("{\"name\":\"x\",\"scope\":\"g\"}"),
                        TestUsers.CONTENT_JSON),
                false);
        denied(
                adminB.send(
                        "POST", "/api/v2.0/users", TestUsers.json(TestUsers.uniqueName("u")), TestUsers.CONTENT_JSON),
                false);
        denied(
                adminB.send(
                        "POST",
                        "/api/v2.0/system/gc/schedule",
                        TestUsers.body("{\"schedule\":{\"type\":\"Manual\"}}"),
                        TestUsers.CONTENT_JSON),
                false);
        // Bad credentials are still a 401, not a read-only refusal.
        assertThat(b.client("admin", "wrong-password")
                        .send("POST", repo + "/blobs/uploads/", new byte[0])
                        .status())
                .isEqualTo(401);

        // Reads and pulls go on; so does signing in.
        RegistryClient.check(adminB.get(repo + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST), 200);
        RegistryClient.check(adminA.get(repo + "/blobs/" + image.layers().getFirst()), 200);
        RegistryClient.check(adminB.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts"), 200);
        RegistryClient.check(TestUsers.login(b, user.name(), user.password()), 200);

        // Only an administrator may switch it off.
        Response byUser = setReadOnly(user.client(), false);
        assertThat(byUser.status()).isEqualTo(403);
        assertThat(readOnly(adminA)).isTrue();

        // Nothing changed.
        assertThat(adminA.get("/api/v2.0/projects/" + other).status()).isEqualTo(404);
        assertThat(adminA.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1")
                        .status())
                .isEqualTo(200);
        assertThat(adminA.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/v2")
                        .status())
                .isEqualTo(404);

        RegistryClient.check(setReadOnly(adminB, false), 200);
        assertThat(readOnly(adminA)).isFalse();
        adminA.pushImage(project + "/app", "v2", bytes("after"));
        RegistryClient.check(adminB.createProject(other, false), 201);
    }

    private static Response setReadOnly(RegistryClient client, boolean on) {
        return client.send(
                "PUT",
                "/api/v2.0/configurations",
                TestUsers.body("{\"read_only\":" + on + "}"),
                TestUsers.CONTENT_JSON);
    }

    private static boolean readOnly(RegistryClient client) {
        Response info = client.get("/api/v2.0/systeminfo");
        RegistryClient.check(info, 200);
        return info.json().path("read_only").asBoolean();
    }

    private static void denied(Response r, boolean registry) {
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("DENIED");
        assertThat(r.json().path("errors").path(0).path("message").asString()).contains("read-only mode");
        if (registry) {
            assertThat(r.header("Docker-Distribution-API-Version")).contains("registry/2.0");
        }
    }

    private static byte[] bytes(String prefix) {
        return (prefix + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    }
}
