package dev.berth.robot;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.PasswordRules;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A robot secret a user chooses may be as guessable as a password, so it is stored as one (bcrypt,
 * salted), not as the unsalted SHA-256 that suits the random secrets Berth generates. Secrets
 * stored the old way keep working.
 */
class RobotSecretStorageTest {
    private final BerthServer server = BerthServer.shared();
    private final TestAccounts accounts = new TestAccounts(server);
    private final RegistryClient admin = server.adminClient();

    @Test
    void chosenSecretsAreKeptLikePasswordsAndGeneratedOnesByTheirDigest() {
        String project = accounts.project("secrets", false);
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("chosen"));
        body.put("level", "project");
        body.put("secret", "Chosen-Secret-2026");
        body.put("permissions", List.of(permission("project", project, "repository:pull")));
        JsonNode chosen = createRobot(admin, body);
        assertThat(stored(chosen)).startsWith("$2").doesNotContain(PasswordRules.sha256("Chosen-Secret-2026"));
        RegistryClient.check(
                server.client(chosen.get("name").asString(), "Chosen-Secret-2026")
                        .get("/v2/"),
                200);
        assertThat(server.client(chosen.get("name").asString(), "Chosen-Secret-2027")
                        .get("/v2/")
                        .status())
                .isEqualTo(401);

        body.put("name", unique("generated"));
        body.remove("secret");
        JsonNode generated = createRobot(admin, body);
        String secret = generated.get("secret").asString();
        assertThat(stored(generated)).isEqualTo(PasswordRules.sha256(secret));
        RegistryClient.check(
                server.client(generated.get("name").asString(), secret).get("/v2/"), 200);

        // Refreshing with a chosen secret stores it slowly too; with a generated one, by its digest.
        long id = generated.get("id").asLong();
        RegistryClient.check(patchJson(admin, "/api/v2.0/robots/" + id, Map.of("secret", "Chosen-Again-2026")), 200);
        assertThat(stored(generated)).startsWith("$2");
        RegistryClient.check(
                server.client(generated.get("name").asString(), "Chosen-Again-2026")
                        .get("/v2/"),
                200);
        String fresh = patchJson(admin, "/api/v2.0/robots/" + id, Map.of())
                .json()
                .get("secret")
                .asString();
        assertThat(stored(generated)).isEqualTo(PasswordRules.sha256(fresh));
        RegistryClient.check(
                server.client(generated.get("name").asString(), fresh).get("/v2/"), 200);
    }

    @Test
    void secretsStoredByTheirDigestBeforeKeepWorking() {
        String project = accounts.project("legacy", false);
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("legacy"));
        body.put("level", "project");
        body.put("secret", "Legacy-Secret-2025");
        body.put("permissions", List.of(permission("project", project, "repository:pull")));
        JsonNode robot = createRobot(admin, body);
        // As a row written before chosen secrets were hashed slowly.
        accounts.jdbc()
                .sql("UPDATE robot SET secret_hash = ? WHERE id = ?")
                .param(PasswordRules.sha256("Legacy-Secret-2025"))
                .param(robot.get("id").asLong())
                .update();
        RegistryClient.check(
                server.client(robot.get("name").asString(), "Legacy-Secret-2025")
                        .get("/v2/"),
                200);
    }

    private String stored(JsonNode robot) {
        return accounts.jdbc()
                .sql("SELECT secret_hash FROM robot WHERE id = ?")
                .param(robot.get("id").asLong())
                .query(String.class)
                .single();
    }
}
