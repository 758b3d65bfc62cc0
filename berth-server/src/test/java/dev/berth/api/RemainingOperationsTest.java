package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Harbor operations that belong to no feature of their own: artifact icons, the project-wide
 * artifact list, the storage volume, the CA certificate download and the internal configuration.
 */
class RemainingOperationsTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBdummyBerthTestCA\n-----END CERTIFICATE-----\n";
    private static Path caFile;
    private static BerthServer server;
    private static TestAccounts accounts;

    @BeforeAll
    static void start() throws IOException {
        caFile = Files.createTempFile("berth-ca", ".crt");
        Files.writeString(caFile, PEM);
        server = BerthServer.withExternalDatabase(Map.of("berth.tls.ca-certificate", caFile.toString()));
        accounts = new TestAccounts(server);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        Files.deleteIfExists(caFile);
    }

    @Test
    void artifactsNameAnIconThatTheIconOperationServes() throws Exception {
        RegistryClient admin = server.adminClient();
        String project = accounts.project("icons", false);
        admin.pushImage(project + "/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        JsonNode artifact = admin.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1")
                .json();
        String digest = artifact.path("icon").asString();
        assertThat(digest).startsWith("sha256:");

        // Anyone may fetch it; the bytes are the picture the digest names.
        Response icon = server.anonymousClient().get("/api/v2.0/icons/" + digest);
        RegistryClient.check(icon, 200);
        assertThat(icon.json().path("content-type").asString()).isEqualTo("image/svg+xml");
        byte[] picture = Base64.getDecoder().decode(icon.json().path("content").asString());
        assertThat(new String(picture, StandardCharsets.UTF_8)).startsWith("<svg");
        assertThat("sha256:"
                        + HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(picture)))
                .isEqualTo(digest);

        // Harbor's digest for its image icon answers with Berth's picture of the same kind.
        Response harbors =
                admin.get("/api/v2.0/icons/sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06");
        assertThat(harbors.json().path("content").asString())
                .isEqualTo(icon.json().path("content").asString());

        Response unknown = admin.get("/api/v2.0/icons/sha256:" + "1".repeat(64));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("errors").get(0).path("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(admin.get("/api/v2.0/icons/sha256:nothex").status()).isEqualTo(400);
    }

    @Test
    void aProjectsArtifactsAreListedAcrossItsRepositories() {
        RegistryClient admin = server.adminClient();
        String project = accounts.project("across", false);
        String other = accounts.project("elsewhere", false);
        List<String> pushed = new ArrayList<>();
        for (String repo : List.of("a", "b", "c/d")) {
            pushed.add(admin.pushImage(project + "/" + repo, "v1", (repo + "1").getBytes(StandardCharsets.UTF_8))
                    .manifest()
                    .toString());
        }
        String newestOfA = admin.pushImage(project + "/a", "v2", "a2".getBytes(StandardCharsets.UTF_8))
                .manifest()
                .toString();
        admin.pushImage(other + "/x", "v1", "x".getBytes(StandardCharsets.UTF_8));
        String base = "/api/v2.0/projects/" + project + "/artifacts";

        Response all = admin.get(base);
        RegistryClient.check(all, 200);
        assertThat(all.header("X-Total-Count")).contains("4");
        assertThat(field(all.json(), "digest"))
                .containsExactlyInAnyOrder(pushed.get(0), pushed.get(1), pushed.get(2), newestOfA);
        assertThat(field(all.json(), "repository_name")).containsOnly(project + "/a", project + "/b", project + "/c/d");
        assertThat(all.json().get(0).path("tags").get(0).path("name").asString())
                .isNotEmpty();

        Response page = admin.get(base + "?page=2&page_size=3&sort=push_time");
        assertThat(page.header("X-Total-Count")).contains("4");
        assertThat(field(page.json(), "digest")).containsExactly(newestOfA);

        // By project id too, and filtered by tag.
        long id = accounts.projectId(project);
        Response byId = admin.get("/api/v2.0/projects/" + id + "/artifacts?q=tags%3Dv2");
        assertThat(field(byId.json(), "digest")).containsExactly(newestOfA);

        // The newest artifact of each repository, which Harbor allows with exactly one type filter.
        Response latest = admin.get(
                base + "?latest_in_repository=true&q=media_type%3D" + "application%2Fvnd.oci.image.config.v1%2Bjson");
        RegistryClient.check(latest, 200);
        assertThat(field(latest.json(), "digest")).containsExactlyInAnyOrder(newestOfA, pushed.get(1), pushed.get(2));
        Response bare = admin.get(base + "?latest_in_repository=true");
        assertThat(bare.status()).isEqualTo(400);
        assertThat(bare.text()).contains("latest_in_repository");
    }

    @Test
    void theProjectListKeepsProjectPermissions() {
        RegistryClient admin = server.adminClient();
        String secret = accounts.project("private", false);
        String open = accounts.project("public", true);
        admin.pushImage(secret + "/app", "v1", "s".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(open + "/app", "v1", "o".getBytes(StandardCharsets.UTF_8));
        TestAccounts.Account stranger = accounts.user("stranger");
        TestAccounts.Account guest = accounts.user("guest");
        accounts.member(secret, guest, ProjectRole.GUEST);

        // Harbor asks for a signed-in caller here, even for a public project.
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/projects/" + open + "/artifacts")
                        .status())
                .isEqualTo(401);
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + open + "/artifacts")
                        .json()
                        .size())
                .isEqualTo(1);
        // Another's private project, by name and by id: not there for a stranger.
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + secret + "/artifacts")
                        .status())
                .isIn(403, 404);
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + accounts.projectId(secret) + "/artifacts")
                        .status())
                .isIn(403, 404);
        assertThat(guest.client()
                        .get("/api/v2.0/projects/" + secret + "/artifacts")
                        .json()
                        .size())
                .isEqualTo(1);
    }

    @Test
    void theVolumeIsMeasuredForAdministratorsOnly() {
        Response volumes = server.adminClient().get("/api/v2.0/systeminfo/volumes");
        RegistryClient.check(volumes, 200);
        JsonNode storage = volumes.json().path("storage").get(0);
        assertThat(storage.path("total").asLong()).isPositive();
        assertThat(storage.path("free").asLong())
                .isBetween(0L, storage.path("total").asLong());
        assertThat(server.anonymousClient().get("/api/v2.0/systeminfo/volumes").status())
                .isEqualTo(401);
        assertThat(accounts.user("nosys")
                        .client()
                        .get("/api/v2.0/systeminfo/volumes")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void theConfiguredCaCertificateIsDownloadable() throws IOException {
        Response cert = server.anonymousClient().get("/api/v2.0/systeminfo/getcert");
        RegistryClient.check(cert, 200);
        assertThat(cert.text()).isEqualTo(PEM);
        assertThat(cert.header("Content-Disposition"))
                .hasValueSatisfying(v -> assertThat(v).contains("attachment").contains("ca.crt"));
        assertThat(server.adminClient()
                        .get("/api/v2.0/systeminfo")
                        .json()
                        .path("has_ca_root")
                        .asBoolean())
                .isTrue();
        assertThat(server.adminClient()
                        .get("/api/v2.0/systeminfo")
                        .json()
                        .path("registry_storage_provider_name")
                        .asString())
                .isEqualTo("filesystem");
    }

    @Test
    void theInternalConfigurationIsForHarborsOwnComponentsOnly() {
        for (RegistryClient client : List.of(server.adminClient(), server.anonymousClient())) {
            Response r = client.get("/api/v2.0/internalconfig");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("errors").get(0).path("message").asString())
                    .isEqualTo("only internal service is allowed to call this API");
        }
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.path(name).asString()));
        return values;
    }
}
