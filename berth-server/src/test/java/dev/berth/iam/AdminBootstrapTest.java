package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The first start leaves a usable registry: admin logs in and administers the public library project. */
class AdminBootstrapTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void adminAdministersTheLibraryProject() {
        JsonNode library = server.adminClient()
                .send("GET", "/api/v2.0/projects/library", null, "X-Is-Resource-Name", "true")
                .json();
        assertThat(library.path("metadata").path("public").asString()).isEqualTo("true");
        assertThat(library.path("owner_name").asString()).isEqualTo("admin");
        assertThat(library.path("current_user_role_id").asInt()).isEqualTo(ProjectRole.PROJECT_ADMIN.id());
        // Anyone may pull from it; nobody but its members may push.
        assertThat(server.anonymousClient().get("/v2/library/nothing/tags/list").status())
                .isEqualTo(404);
        assertThat(server.client("admin", "Wrong-Pass-123")
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
    }
}
