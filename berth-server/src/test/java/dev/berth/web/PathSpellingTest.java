package dev.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.Closing;
import dev.berth.support.RawHttp;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestDatabase;
import dev.berth.support.TestUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A path that can be spelled two ways is refused before any filter decides on it: with read-only
 * mode on, {@code POST /api;x/v2.0/projects} and {@code POST /%61pi/v2.0/projects} were routed to
 * the project API while the read-only filter compared the raw path and let them through. Every
 * spelling that is not the canonical one ({@code ;x}, an encoded prefix letter, {@code %2F}, {@code
 * /./}, {@code ..}, double slashes, upper case) is a 400 in the protocol's format on every prefix the
 * filters protect, and changes nothing; Harbor's double-encoded repository names still work.
 */
class PathSpellingTest {
    private static TestDatabase db;
    private static BerthServer server;

    /** The prefixes filters decide on, each with a POST that would change something. */
    private static final List<String> TARGETS =
            List.of("/api/v2.0/projects", "/c/login", "/service/token", "/v2/library/app/blobs/uploads/");

    @BeforeAll
    static void start() {
        db = TestDatabase.migrated();
        server = BerthServer.withDatabase(db, Map.of());
    }

    @AfterAll
    static void stop() {
        Closing.all(server, db);
    }

    @Test
    void everyAmbiguousSpellingOfEveryProtectedPrefixIsRefusedInItsProtocolsFormat() throws IOException {
        for (String target : TARGETS) {
            for (String spelling : spellings(target)) {
                for (String method : List.of("GET", "POST")) {
                    RawHttp.Response r = RawHttp.exchange(
                            server.port(),
                            method,
                            spelling,
                            new byte[0],
                            "Authorization",
                            BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD));
                    String what = method + " " + spelling + ": " + r.text();
                    assertThat(r.status()).as(what).isEqualTo(400);
                    assertThat(r.header("Content-Type"))
                            .as(what)
                            .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                    assertThat(r.header("X-Content-Type-Options")).as(what).contains("nosniff");
                    if (target.startsWith("/v2/")) {
                        assertThat(r.errorCode()).as(what).isEqualTo("NAME_INVALID");
                        assertThat(r.header("Docker-Distribution-API-Version"))
                                .as(what)
                                .contains("registry/2.0");
                    } else {
                        assertThat(r.errorCode()).as(what).isEqualTo("BAD_REQUEST");
                    }
                }
            }
        }
    }

    @Test
    void readOnlyModeCannotBeBypassedByAnySpelling() throws IOException {
        RegistryClient admin = server.adminClient();
        TestUsers.TestUser user = TestUsers.create(server, "spell");
        RegistryClient.check(setReadOnly(admin, true), 200);
        try {
            for (String spelling : spellings("/api/v2.0/projects")) {
                for (String credentials : List.of(
                        BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD),
                        BerthServer.basic(user.name(), user.password()))) {
                    String project = TestUsers.uniqueName("ro");
                    RawHttp.Response r = RawHttp.exchange(
                            server.port(),
                            "POST",
                            spelling,
                            ("{\"project_name\":\"" + project + "\",\"metadata\":{\"public\":\"false\"}}")
                                    .getBytes(StandardCharsets.UTF_8),
                            "Authorization",
                            credentials,
                            "Content-Type",
                            "application/json");
                    assertThat(r.status()).as(spelling + ": " + r.text()).isEqualTo(400);
                    assertThat(admin.get("/api/v2.0/projects/" + project).status())
                            .as(spelling)
                            .isEqualTo(404);
                }
            }
            // The canonical spelling is refused by read-only mode itself.
            RegistryClient.Response plain = admin.createProject(TestUsers.uniqueName("ro"), false);
            assertThat(plain.status()).isEqualTo(403);
            assertThat(plain.errorCode()).isEqualTo("DENIED");
        } finally {
            RegistryClient.check(setReadOnly(admin, false), 200);
        }
    }

    @Test
    void harborsDoubleEncodedRepositoryNamesAndNestedRegistryNamesStillWork() {
        RegistryClient admin = server.adminClient();
        String project = TestUsers.uniqueName("spell");
        server.ensureProject(project, false);
        admin.pushImage(project + "/app/sub", "v1", "layer".getBytes(StandardCharsets.UTF_8));
        RegistryClient.check(admin.get("/api/v2.0/projects/" + project + "/repositories/app%252Fsub/artifacts"), 200);
        RegistryClient.check(admin.get("/api/v2.0/projects/" + project + "/repositories/app%252Fsub"), 200);
        RegistryClient.check(admin.get("/v2/" + project + "/app/sub/tags/list"), 200);
        RegistryClient.check(
                admin.get("/v2/" + project + "/app/sub/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST), 200);
    }

    /** Every ambiguous spelling of a path whose first segment is its route prefix. */
    private static List<String> spellings(String path) {
        int second = path.indexOf('/', 1);
        String prefix = path.substring(1, second);
        String rest = path.substring(second);
        String encodedFirst = "%" + Integer.toHexString(prefix.charAt(0)) + prefix.substring(1);
        return List.of(
                "/" + prefix + ";x" + rest,
                "/" + encodedFirst + rest,
                "/" + prefix + "%2F" + rest.substring(1),
                "/" + prefix + "%2f" + rest.substring(1),
                "/" + prefix + "/." + rest,
                "/" + prefix + "/%2e" + rest,
                "/" + prefix + "/x/.." + rest,
                "/" + prefix + "/" + rest,
                "/" + path,
                "/" + prefix.toUpperCase(java.util.Locale.ROOT) + rest,
                "/" + Character.toUpperCase(prefix.charAt(0)) + prefix.substring(1) + rest,
                "/" + prefix + "%5C" + rest.substring(1));
    }

    private static RegistryClient.Response setReadOnly(RegistryClient client, boolean on) {
        return client.send(
                "PUT",
                "/api/v2.0/configurations",
                TestUsers.body("{\"read_only\":" + on + "}"),
                TestUsers.CONTENT_JSON);
    }
}
