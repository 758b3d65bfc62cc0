package dev.berth.support.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.HarborSwagger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The contract check on hand-made responses: what it reports, and what it lets through. */
class ResponseContractTest {
    private static final ResponseContract CONTRACT = new ResponseContract(
            HarborSwagger.load(), Deviations.parse(YAMLMapper.builder().build().readTree("""
                    berth_only:
                      - path: /berth/things/{id}
                        methods: [GET]
                        reason: a test entry
                    differences:
                      - operation: getProject
                        pointer: /extra_field
                        problem: additionalProperties
                        reason: a test entry
                    always_sent:
                      - definition: Project
                        fields: [cve_allowlist]
                        reason: a test entry
                    """)));
    private static final String JSON = "application/json";

    private static List<Violation> check(String method, String path, int status, String body) {
        return CONTRACT.check(method, path, status, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static final String PROJECT = """
            {"project_id": 1, "name": "p", "owner_id": 1, "owner_name": "admin", "repo_count": 0,
             "creation_time": "2026-01-02T03:04:05.000Z", "update_time": "2026-01-02T03:04:05Z",
             "deleted": false, "metadata": {"public": "true"},
             "cve_allowlist": {"id": 0, "project_id": 1, "items": []}%s}
            """;

    @Test
    void aResponseThatKeepsTheContractHasNoViolation() {
        assertThat(check("GET", "/api/v2.0/projects/p", 200, PROJECT.formatted("")))
                .isEmpty();
    }

    @Test
    void anUnknownFieldIsNamedByItsPointer() {
        List<Violation> found = check("GET", "/api/v2.0/projects/7", 200, PROJECT.formatted(", \"nmae\": \"x\""));
        assertThat(found).singleElement().satisfies(v -> {
            assertThat(v.operationId()).isEqualTo("getProject");
            assertThat(v.pointer()).isEqualTo("/nmae");
            assertThat(v.problem()).isEqualTo("additionalProperties");
        });
    }

    @Test
    void aDeviationLetsItsDifferenceThroughAndNothingElse() {
        assertThat(check("GET", "/api/v2.0/projects/7", 200, PROJECT.formatted(", \"extra_field\": 1")))
                .isEmpty();
        assertThat(check("GET", "/api/v2.0/users/current", 200, "{\"extra_field\": 1}"))
                .extracting(Violation::pointer)
                .contains("/extra_field");
    }

    @Test
    void enumsTypesAndAlwaysSentFieldsAreChecked() {
        List<Violation> found = check(
                "GET",
                "/api/v2.0/system/purgeaudit/schedule",
                200,
                "{\"id\": \"one\", \"schedule\": {\"type\": \"MANUAL\"}}");
        assertThat(found)
                .extracting(v -> v.pointer() + " " + v.problem())
                .containsExactlyInAnyOrder("/id type", "/schedule/type enum");

        // Repository.update_time is x-omitempty: false in the swagger: Harbor always sends it.
        assertThat(check("GET", "/api/v2.0/projects/p/repositories/r", 200, "{\"id\": 1, \"name\": \"p/r\"}"))
                .extracting(v -> v.pointer() + " " + v.problem())
                .contains("/artifact_count required");
    }

    @Test
    void fieldsHarborAlwaysSendsAreRequiredThoughTheSwaggerLeavesThemOptional() {
        String withoutAllowlist = PROJECT.formatted("").replaceAll(",\\s*\"cve_allowlist\": \\{[^}]*\\}", "");
        assertThat(withoutAllowlist).doesNotContain("cve_allowlist");
        assertThat(check("GET", "/api/v2.0/projects/p", 200, withoutAllowlist))
                .extracting(v -> v.pointer() + " " + v.problem())
                .containsExactly("/cve_allowlist required");
        String nullAllowlist =
                withoutAllowlist.substring(0, withoutAllowlist.lastIndexOf('}')) + ", \"cve_allowlist\": null}";
        assertThat(check("GET", "/api/v2.0/projects/p", 200, nullAllowlist))
                .extracting(v -> v.pointer() + " " + v.problem())
                .containsExactly("/cve_allowlist type");
    }

    @Test
    void nullIsAcceptedForOptionalFieldsOnly() {
        assertThat(check("GET", "/api/v2.0/projects/p", 200, PROJECT.formatted(", \"registry_id\": null")))
                .isEmpty();
        assertThat(check("GET", "/api/v2.0/projects/p/repositories/r/artifacts", 200, "[null]"))
                .extracting(Violation::problem)
                .containsExactly("type");
    }

    @Test
    void statusesTheOperationDoesNotDeclareAreReported() {
        assertThat(check("POST", "/api/v2.0/projects", 200, ""))
                .extracting(v -> v.problem() + " " + v.operationId())
                .containsExactly("status createProject");
        // Undeclared errors (getProject declares 401 and 500 only) get Harbor's error body.
        assertThat(check("GET", "/api/v2.0/projects/p", 404, "{\"errors\": [{\"code\": \"NOT_FOUND\"}]}"))
                .isEmpty();
        assertThat(check("GET", "/api/v2.0/projects/p", 403, "{\"message\": \"no\"}"))
                .extracting(v -> v.pointer() + " " + v.problem())
                .containsExactly("/message additionalProperties");
        assertThat(check("GET", "/api/v2.0/projects", 401, "{\"errors\": [{\"code\": 401, \"message\": \"m\"}]}"))
                .extracting(v -> v.pointer() + " " + v.problem())
                .containsExactly("/errors/0/code type");
    }

    @Test
    void berthOnlyEndpointsAreSkippedAndUnknownOnesReported() {
        assertThat(check("GET", "/api/v2.0/berth/things/1", 200, "{\"anything\": true}"))
                .isEmpty();
        assertThat(check("GET", "/api/v2.0/nowhere", 200, "{}"))
                .extracting(Violation::problem)
                .containsExactly("operation");
        assertThat(check("GET", "/api/v2.0/nowhere", 404, "{}")).isEmpty();
    }

    @Test
    void literalSegmentsWinOverVariables() {
        assertThat(HarborSwagger.load().match("GET", "/api/v2.0/users/current"))
                .map(HarborSwagger.Operation::operationId)
                .contains("getCurrentUserInfo");
        assertThat(HarborSwagger.load().match("GET", "/api/v2.0/users/12"))
                .map(HarborSwagger.Operation::operationId)
                .contains("getUser");
        assertThat(HarborSwagger.load().match("GET", "/api/v2.0/projects/p/metadatas"))
                .map(HarborSwagger.Operation::operationId)
                .contains("listProjectMetadatas");
        assertThat(HarborSwagger.load().operations()).hasSize(203);
    }
}
