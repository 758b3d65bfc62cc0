package dev.berth.audit;

import static dev.berth.support.TestAccounts.createRobot;
import static dev.berth.support.TestAccounts.patchJson;
import static dev.berth.support.TestAccounts.permission;
import static dev.berth.support.TestAccounts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.iam.ProjectRole;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail: what {@code /v2/} and the API write to it, who may read which part of it, and
 * that no secret ever reaches it or the application log.
 */
class AuditLogApiTest {
    private static final DateTimeFormatter HARBOR_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private BerthServer server;
    private TestAccounts accounts;
    private RegistryClient admin;
    private String project;
    private String repository;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        accounts = new TestAccounts(server);
        admin = server.adminClient();
        project = accounts.project("aud", false);
        repository = project + "/app";
    }

    private static String q(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    /** Every entry of the project's log, newest first, read as the system administrator. */
    private List<JsonNode> projectLog(String name) {
        Response r = admin.get("/api/v2.0/projects/" + name + "/logs?page_size=100");
        RegistryClient.check(r, 200);
        List<JsonNode> entries = new ArrayList<>();
        r.json().forEach(entries::add);
        return entries;
    }

    /**
     * Retries {@code check} for a few seconds: a registry request's audit entry is written just after
     * its response has been sent, so it may land a moment after the client has its answer.
     */
    private static void eventually(Runnable check) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static List<String> lines(List<JsonNode> entries) {
        return entries.stream()
                .map(e -> e.get("operation").asString() + " "
                        + e.get("resource_type").asString() + " "
                        + e.get("resource").asString() + " by "
                        + e.get("username").asString())
                .toList();
    }

    private JsonNode projectRobot(String... access) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("au"));
        body.put("level", "project");
        body.put("permissions", List.of(permission("project", project, access)));
        return createRobot(admin, body);
    }

    @Test
    void pushesPullsAndDeletesThroughTheRegistryAreRecordedWithTheirOperator() {
        RegistryClient.Image image = admin.pushImage(repository, "v1", new byte[] {1, 2, 3});
        JsonNode robot = projectRobot("repository:pull");
        String robotName = robot.get("name").asString();
        RegistryClient asRobot = server.client(robotName, robot.get("secret").asString());

        RegistryClient.check(
                asRobot.get("/v2/" + repository + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST), 200);
        RegistryClient.check(
                asRobot.head("/v2/" + repository + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST), 200);
        Response token = asRobot.get("/service/token?scope=repository:" + repository + ":pull");
        RegistryClient bearer = new RegistryClient(
                server.baseUri(),
                Map.of("Authorization", "Bearer " + token.json().get("token").asString()));
        RegistryClient.check(bearer.get("/v2/" + repository + "/manifests/" + image.manifest()), 200);
        admin.pushManifest(repository, "v2", RegistryClient.OCI_MANIFEST, image.manifestBytes());
        RegistryClient.check(admin.delete("/v2/" + repository + "/manifests/v2"), 202);
        RegistryClient.check(admin.delete("/v2/" + repository + "/manifests/" + image.manifest()), 202);

        eventually(() -> assertThat(lines(projectLog(project)))
                .containsSubsequence(
                        "delete artifact " + repository + "@" + image.manifest() + " by admin",
                        "delete tag " + repository + ":v2 by admin",
                        "create artifact " + repository + ":v2 by admin",
                        "pull artifact " + repository + "@" + image.manifest() + " by " + robotName,
                        "pull artifact " + repository + ":v1 by " + robotName,
                        "create robot " + robotName + " by admin",
                        "create artifact " + repository + ":v1 by admin",
                        "create project " + project + " by admin"));
        // HEAD is not a pull.
        assertThat(lines(projectLog(project)).stream().filter(l -> l.startsWith("pull ")))
                .hasSize(2);
    }

    @Test
    void anonymousPullsOfPublicProjectsAreRecordedAsAnonymous() {
        String open = accounts.project("audpub", true);
        admin.pushImage(open + "/app", "v1", new byte[] {4, 5});
        RegistryClient.check(
                server.anonymousClient()
                        .get("/v2/" + open + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST),
                200);
        Response token = server.anonymousClient().get("/service/token?scope=repository:" + open + "/app:pull");
        RegistryClient bearer = new RegistryClient(
                server.baseUri(),
                Map.of("Authorization", "Bearer " + token.json().get("token").asString()));
        RegistryClient.check(
                bearer.get("/v2/" + open + "/app/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST), 200);

        eventually(() -> assertThat(lines(projectLog(open)))
                .filteredOn(l -> l.startsWith("pull "))
                .containsExactly(
                        "pull artifact " + open + "/app:v1 by anonymous",
                        "pull artifact " + open + "/app:v1 by anonymous"));
    }

    @Test
    void projectLogsAreForProjectAdministratorsOnly() {
        TestAccounts.Account owner = accounts.user("own");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        String path = "/api/v2.0/projects/" + project + "/logs";

        assertThat(owner.client().get(path).status()).isEqualTo(200);
        assertThat(owner.client().get(path).text()).contains("\"" + project + "\"");
        for (ProjectRole role :
                List.of(ProjectRole.MAINTAINER, ProjectRole.DEVELOPER, ProjectRole.GUEST, ProjectRole.LIMITED_GUEST)) {
            TestAccounts.Account member = accounts.user("m");
            accounts.member(project, member, role);
            assertThat(member.client().get(path).status()).as(role.name()).isEqualTo(403);
        }
        TestAccounts.Account stranger = accounts.user("str");
        assertThat(stranger.client().get(path).status()).isEqualTo(404);
        assertThat(server.anonymousClient().get(path).status()).isEqualTo(401);
        assertThat(admin.get("/api/v2.0/projects/" + unique("none") + "/logs").status())
                .isEqualTo(404);

        String open = accounts.project("audopen", true);
        assertThat(stranger.client().get("/api/v2.0/projects/" + open + "/logs").status())
                .isEqualTo(403);
        assertThat(server.anonymousClient()
                        .get("/api/v2.0/projects/" + open + "/logs")
                        .status())
                .isEqualTo(401);

        JsonNode logRobot = projectRobot("log:list");
        assertThat(server.client(
                                logRobot.get("name").asString(),
                                logRobot.get("secret").asString())
                        .get(path)
                        .status())
                .isEqualTo(200);
        JsonNode pullRobot = projectRobot("repository:pull");
        assertThat(server.client(
                                pullRobot.get("name").asString(),
                                pullRobot.get("secret").asString())
                        .get(path)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void theGlobalLogShowsEachCallerOnlyWhatTheyMaySee() {
        String other = accounts.project("audother", false);
        TestAccounts.Account owner = accounts.user("own");
        accounts.member(project, owner, ProjectRole.PROJECT_ADMIN);
        accounts.member(other, owner, ProjectRole.DEVELOPER);
        String filter = "?page_size=100&q="
                + q("operation=create,resource_type=project,resource={" + project + " " + other + "}");

        String all = admin.get("/api/v2.0/audit-logs" + filter).text();
        assertThat(all).contains("\"" + project + "\"").contains("\"" + other + "\"");

        Response mine = owner.client().get("/api/v2.0/audit-logs" + filter);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.text()).contains("\"" + project + "\"").doesNotContain("\"" + other + "\"");

        assertThat(server.anonymousClient().get("/api/v2.0/audit-logs").status())
                .isEqualTo(401);

        Map<String, Object> auditor = new HashMap<>();
        auditor.put("name", unique("auditor"));
        auditor.put("level", "system");
        auditor.put("permissions", List.of(permission("system", "/", "audit-log:list")));
        JsonNode sys = createRobot(admin, auditor);
        Response bySystemRobot = server.client(
                        sys.get("name").asString(), sys.get("secret").asString())
                .get("/api/v2.0/audit-logs" + filter);
        assertThat(bySystemRobot.text()).contains("\"" + project + "\"").contains("\"" + other + "\"");

        JsonNode plain = projectRobot("log:list");
        Response byProjectRobot = server.client(
                        plain.get("name").asString(), plain.get("secret").asString())
                .get("/api/v2.0/audit-logs");
        assertThat(byProjectRobot.status()).isEqualTo(200);
        assertThat(byProjectRobot.json()).isEmpty();
        assertThat(byProjectRobot.header("X-Total-Count")).contains("0");
    }

    /** "operation resource_type resource: description" of each entry of an auditlog-exts answer. */
    private static List<String> described(Response r) {
        RegistryClient.check(r, 200);
        return toList(r.json()).stream()
                .map(e -> {
                    assertThat(e.get("operation_result").asBoolean()).isTrue();
                    return e.get("operation").asString() + " "
                            + e.get("resource_type").asString() + " "
                            + e.get("resource").asString() + ": "
                            + e.get("operation_description").asString();
                })
                .toList();
    }

    @Test
    void theExtendedLogSaysWhatAChangeChanged() {
        TestAccounts.Account bob = accounts.user("bob");
        RegistryClient.check(
                TestAccounts.postJson(
                        admin,
                        "/api/v2.0/projects/" + project + "/members",
                        Map.of("role_id", 2, "member_user", Map.of("username", bob.name()))),
                201);
        long memberId = toList(admin.get("/api/v2.0/projects/" + project + "/members?entityname=" + bob.name())
                        .json())
                .getFirst()
                .get("id")
                .asLong();
        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/projects/" + project + "/members/" + memberId, Map.of("role_id", 4)),
                200);
        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/projects/" + project, Map.of("metadata", Map.of("public", "true"))),
                200);
        admin.pushImage(repository, "v1", new byte[] {4});
        String member = project + ":" + bob.name();

        String path = "/api/v2.0/projects/" + project + "/auditlog-exts";
        assertThat(described(admin.get(path + "?q=" + q("resource_type=member") + "&sort=op_time")))
                .containsExactly(
                        "create member " + member + ": role: developer",
                        "update member " + member + ": role: developer \u2192 maintainer");
        assertThat(described(admin.get(path + "?q=" + q("resource_type=project,operation=update"))))
                .containsExactly("update project " + project + ": public: false \u2192 true");
        // An entry that recorded no more than its resource says so as Harbor does.
        eventually(() -> assertThat(described(admin.get(path + "?q=" + q("resource_type=artifact,operation=create"))))
                .containsExactly("create artifact " + repository + ":v1: push artifact: " + repository + ":v1"));
        // The legacy endpoint keeps Harbor's AuditLog: no description there.
        assertThat(toList(admin.get("/api/v2.0/projects/" + project + "/logs").json()))
                .allSatisfy(e -> assertThat(e.has("operation_description")).isFalse());

        // The global one, for the administrator; a user's own change of another user shows there too.
        assertThat(described(admin.get("/api/v2.0/auditlog-exts?q="
                        + q("resource_type=member,resource=" + member + ",operation=update"))))
                .containsExactly("update member " + member + ": role: developer \u2192 maintainer");
        RegistryClient.check(
                TestAccounts.putJson(admin, "/api/v2.0/users/" + bob.id() + "/sysadmin", Map.of("sysadmin_flag", true)),
                200);
        assertThat(described(admin.get("/api/v2.0/auditlog-exts?q="
                        + q("resource_type=user,resource=" + bob.name() + ",operation=update"))))
                .containsExactly("update user " + bob.name() + ": sysadmin_flag: false \u2192 true");
        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/users/" + bob.id() + "/sysadmin", Map.of("sysadmin_flag", false)),
                200);

        // A project's metadata key by key, a robot's switch and lifetime, a configuration item.
        RegistryClient.check(
                TestAccounts.putJson(
                        admin, "/api/v2.0/projects/" + project + "/metadatas/auto_scan", Map.of("auto_scan", "true")),
                200);
        assertThat(described(admin.get(path + "?q=" + q("resource_type=project_metadata"))))
                .containsExactly("update project_metadata " + project + "/auto_scan: auto_scan: true");
        JsonNode robot = projectRobot("repository:pull");
        long robotId = robot.get("id").asLong();
        JsonNode stored = admin.get("/api/v2.0/robots/" + robotId).json();
        Map<String, Object> update = new HashMap<>();
        update.put("name", stored.get("name").asString());
        update.put("level", "project");
        update.put("disable", true);
        update.put("duration", -1);
        update.put("description", stored.path("description").asString(""));
        update.put("permissions", List.of(permission("project", project, "repository:pull")));
        RegistryClient.check(TestAccounts.putJson(admin, "/api/v2.0/robots/" + robotId, update), 200);
        assertThat(described(admin.get(path + "?q=" + q("resource_type=robot,operation=update"))))
                .containsExactly(
                        "update robot " + stored.get("name").asString() + ": disable: false \u2192 true; duration: "
                                + stored.get("duration").asLong() + " \u2192 -1");
        int days = admin.get("/api/v2.0/configurations")
                .json()
                .path("robot_token_duration")
                .path("value")
                .asInt();
        try {
            RegistryClient.check(
                    TestAccounts.putJson(
                            admin,
                            "/api/v2.0/configurations",
                            Map.of("robot_token_duration", days + 1, "read_only", false)),
                    200);
            List<String> config = described(admin.get("/api/v2.0/auditlog-exts?q="
                    + q("resource_type=configuration,resource={robot_token_duration read_only}") + "&page_size=2"));
            assertThat(config)
                    .containsExactlyInAnyOrder(
                            "update configuration robot_token_duration: robot_token_duration: " + days + " \u2192 "
                                    + (days + 1),
                            // written back unchanged: nothing to describe
                            "update configuration read_only: update configuration: read_only");
        } finally {
            TestAccounts.putJson(admin, "/api/v2.0/configurations", Map.of("robot_token_duration", days));
        }

        // Who may read it: the same callers as /logs.
        TestAccounts.Account developer = accounts.user("dev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        assertThat(developer.client().get(path).status()).isEqualTo(403);
        TestAccounts.Account stranger = accounts.user("str");
        // The project is public now: a stranger sees it, and is refused its log.
        assertThat(stranger.client().get(path).status()).isEqualTo(403);
        assertThat(stranger.client()
                        .get("/api/v2.0/projects/" + accounts.project("audhidden", false) + "/auditlog-exts")
                        .status())
                .isEqualTo(404);
        assertThat(server.anonymousClient().get(path).status()).isEqualTo(401);
        Response strangers = stranger.client().get("/api/v2.0/auditlog-exts?q=" + q("resource=~" + project));
        assertThat(described(strangers)).isEmpty();
        assertThat(strangers.header("X-Total-Count")).contains("0");
        assertThat(admin.get(path + "?q=" + q("operation_description=~role")).status())
                .isEqualTo(400);
    }

    @Test
    void queriesFilterSortAndPageWithAnAllowList() {
        Instant before = Instant.now().minusSeconds(2);
        admin.pushImage(repository, "a", new byte[] {7});
        admin.pushImage(repository, "b", new byte[] {8});
        RegistryClient.check(
                admin.get("/v2/" + repository + "/manifests/a", "Accept", RegistryClient.OCI_MANIFEST), 200);
        Instant after = Instant.now().plusSeconds(2);
        String base = "/api/v2.0/projects/" + project + "/logs";

        eventually(() -> assertThat(lines(
                        toList(admin.get(base + "?q=" + q("operation=pull")).json())))
                .containsExactly("pull artifact " + repository + ":a by admin"));

        Response creates = admin.get(base + "?q="
                + q("operation=create,resource_type=artifact,resource=~/app:,username=admin,op_time=["
                        + HARBOR_TIME.format(before) + "~" + HARBOR_TIME.format(after) + "]")
                + "&sort=op_time");
        assertThat(lines(toList(creates.json())))
                .containsExactly(
                        "create artifact " + repository + ":a by admin",
                        "create artifact " + repository + ":b by admin");

        Response newestFirst = admin.get(base + "?page_size=2");
        assertThat(newestFirst.header("X-Total-Count")).contains("4");
        assertThat(newestFirst.header("Link").orElse("")).contains("rel=\"next\"");
        List<JsonNode> page = toList(newestFirst.json());
        assertThat(page).hasSize(2);
        // As instants: a time on a whole second is written without fractions ("…02Z" sorts after "…02.003Z").
        assertThat(Instant.parse(page.get(0).get("op_time").asString()))
                .isAfterOrEqualTo(Instant.parse(page.get(1).get("op_time").asString()));
        assertThat(page.get(0).get("id").asLong())
                .isGreaterThan(page.get(1).get("id").asLong());
        assertThat(page.get(0).has("project_id")).isFalse();

        for (String bad : List.of("project_id=1", "secret=~a", "username=a,username=b", "op_time=[nope~]")) {
            assertThat(admin.get(base + "?q=" + q(bad)).status()).as(bad).isEqualTo(400);
        }
        assertThat(admin.get(base + "?sort=password").status()).isEqualTo(400);
        assertThat(admin.get(base + "?page_size=101").status()).isEqualTo(400);
    }

    @Test
    void robotSecretsReachNeitherTheAuditTableNorTheApplicationLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        List<String> secrets = new ArrayList<>();
        try {
            Map<String, Object> body = new HashMap<>();
            body.put("name", unique("sec"));
            body.put("level", "project");
            body.put("secret", "Chosen-Secret-77");
            body.put("permissions", List.of(permission("project", project, "repository:pull")));
            JsonNode robot = createRobot(admin, body);
            secrets.add("Chosen-Secret-77");
            long id = robot.get("id").asLong();
            String fresh = patchJson(admin, "/api/v2.0/robots/" + id, Map.of())
                    .json()
                    .get("secret")
                    .asString();
            secrets.add(fresh);
            patchJson(admin, "/api/v2.0/robots/" + id, Map.of("secret", "Another-Secret-88"));
            secrets.add("Another-Secret-88");
            server.client(robot.get("name").asString(), "Another-Secret-88").get("/v2/");
            server.client(robot.get("name").asString(), "Wrong-Secret-99").get("/v2/");
            secrets.add("Wrong-Secret-99");
            RegistryClient.check(admin.delete("/api/v2.0/robots/" + id), 200);

            assertThat(lines(projectLog(project)))
                    .contains(
                            "create robot " + robot.get("name").asString() + " by admin",
                            "update robot " + robot.get("name").asString() + " by admin",
                            "delete robot " + robot.get("name").asString() + " by admin");
        } finally {
            root.detachAppender(appender);
        }
        for (String secret : secrets) {
            long inAudit = accounts.jdbc()
                    .sql(
                            "SELECT count(*) FROM audit_log WHERE position(? IN resource || ' ' || username || ' ' || resource_type) > 0")
                    .param(secret)
                    .query(Long.class)
                    .single();
            assertThat(inAudit).as(secret).isZero();
            assertThat(appender.list)
                    .as("log lines")
                    .noneMatch(e -> e.getFormattedMessage().contains(secret));
        }
        assertThat(appender.list).isNotEmpty();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
