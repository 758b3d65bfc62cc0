package dev.berth.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /api/v2.0/search} and {@code /api/v2.0/statistics} show only what the caller may see. */
class SearchAndStatisticsTest {
    private static final int GUEST = 3;

    private BerthServer server;
    private RegistryClient admin;
    private String stem;
    private String secret;
    private String open;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        stem = TestUsers.uniqueName("srch");
        secret = stem + "sec";
        open = stem + "pub";
        server.ensureProject(secret, false);
        server.ensureProject(open, true);
        admin.pushImage(secret + "/hidden", "v1", "a".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(open + "/shown", "v1", "b".getBytes(StandardCharsets.UTF_8));
    }

    private RegistryClient user(int role) {
        String name = TestUsers.uniqueName("u");
        long id = TestUsers.createUser(server, name, TestUsers.PASSWORD);
        if (role != 0) {
            TestUsers.addMember(server, secret, id, role);
        }
        return server.client(name, TestUsers.PASSWORD);
    }

    private static List<String> values(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asString()));
        return values;
    }

    @Test
    void searchFindsOnlyVisibleProjectsAndRepositories() {
        RegistryClient.Response outsider = user(0).get("/api/v2.0/search?q=" + stem);
        assertThat(outsider.status()).isEqualTo(200);
        assertThat(values(outsider.json().get("project"), "name")).containsExactly(open);
        assertThat(values(outsider.json().get("repository"), "repository_name")).containsExactly(open + "/shown");

        JsonNode anonymous =
                server.anonymousClient().get("/api/v2.0/search?q=" + stem).json();
        assertThat(values(anonymous.get("project"), "name")).containsExactly(open);
        assertThat(values(anonymous.get("repository"), "repository_name")).containsExactly(open + "/shown");

        JsonNode guest = user(GUEST).get("/api/v2.0/search?q=" + stem).json();
        assertThat(values(guest.get("project"), "name")).containsExactlyInAnyOrder(open, secret);
        assertThat(values(guest.get("repository"), "repository_name"))
                .containsExactlyInAnyOrder(open + "/shown", secret + "/hidden");

        JsonNode all = admin.get("/api/v2.0/search?q=" + stem + "sec").json();
        assertThat(values(all.get("project"), "name")).containsExactly(secret);
        JsonNode repo = all.get("repository").get(0);
        assertThat(repo.get("repository_name").asString()).isEqualTo(secret + "/hidden");
        assertThat(repo.get("project_name").asString()).isEqualTo(secret);
        assertThat(repo.get("project_public").asBoolean()).isFalse();
        assertThat(repo.get("artifact_count").asLong()).isEqualTo(1);
        assertThat(repo.get("project_id").asLong()).isPositive();
        assertThat(admin.get("/api/v2.0/search").status()).isEqualTo(400);
    }

    @Test
    void statisticsCountWhatTheCallerMaySee() {
        assertThat(server.anonymousClient().get("/api/v2.0/statistics").status())
                .isEqualTo(401);

        JsonNode member = user(GUEST).get("/api/v2.0/statistics").json();
        assertThat(member.get("private_project_count").asLong()).isEqualTo(1);
        assertThat(member.get("private_repo_count").asLong()).isEqualTo(1);
        assertThat(member.get("public_project_count").asLong()).isPositive();
        assertThat(member.get("public_repo_count").asLong()).isPositive();
        assertThat(member.get("total_project_count").asLong()).isZero();
        assertThat(member.get("total_repo_count").asLong()).isZero();
        assertThat(member.get("total_storage_consumption").asLong()).isZero();

        JsonNode outsider = user(0).get("/api/v2.0/statistics").json();
        assertThat(outsider.get("private_project_count").asLong()).isZero();
        assertThat(outsider.get("private_repo_count").asLong()).isZero();

        JsonNode all = admin.get("/api/v2.0/statistics").json();
        assertThat(all.get("private_project_count").asLong()).isPositive();
        assertThat(all.get("total_project_count").asLong())
                .isEqualTo(all.get("private_project_count").asLong()
                        + all.get("public_project_count").asLong());
        assertThat(all.get("total_repo_count").asLong())
                .isEqualTo(all.get("private_repo_count").asLong()
                        + all.get("public_repo_count").asLong());
        assertThat(all.get("total_storage_consumption").asLong()).isPositive();
    }
}
