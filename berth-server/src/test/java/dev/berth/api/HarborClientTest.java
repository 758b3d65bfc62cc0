package dev.berth.api;

import static dev.berth.support.HarborApi.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.harborclient.ApiClient;
import dev.berth.harborclient.ApiException;
import dev.berth.harborclient.api.AuditlogApi;
import dev.berth.harborclient.api.ConfigureApi;
import dev.berth.harborclient.api.GcApi;
import dev.berth.harborclient.api.HealthApi;
import dev.berth.harborclient.api.ImmutableApi;
import dev.berth.harborclient.api.JobserviceApi;
import dev.berth.harborclient.api.LabelApi;
import dev.berth.harborclient.api.MemberApi;
import dev.berth.harborclient.api.PermissionsApi;
import dev.berth.harborclient.api.ProjectApi;
import dev.berth.harborclient.api.PurgeApi;
import dev.berth.harborclient.api.QuotaApi;
import dev.berth.harborclient.api.RepositoryApi;
import dev.berth.harborclient.api.RobotApi;
import dev.berth.harborclient.api.StatisticApi;
import dev.berth.harborclient.api.SysteminfoApi;
import dev.berth.harborclient.api.UserApi;
import dev.berth.harborclient.api.UsergroupApi;
import dev.berth.harborclient.api.WebhookApi;
import dev.berth.harborclient.model.AuditLogEventType;
import dev.berth.harborclient.model.AuditLogExt;
import dev.berth.harborclient.model.Configurations;
import dev.berth.harborclient.model.ExecHistory;
import dev.berth.harborclient.model.GCHistory;
import dev.berth.harborclient.model.JobQueue;
import dev.berth.harborclient.model.Project;
import dev.berth.harborclient.model.ProjectMember;
import dev.berth.harborclient.model.ProjectReq;
import dev.berth.harborclient.model.Schedule;
import dev.berth.harborclient.model.ScheduleObj;
import dev.berth.harborclient.model.UserCreationReq;
import dev.berth.harborclient.model.UserEntity;
import dev.berth.harborclient.model.UserResp;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.HarborApi;
import dev.berth.support.HarborApi.Refusal;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Berth read and written through the Java client that openapi-generator makes from Harbor v2.14's
 * swagger, deserialising strictly (unknown fields and enum values fail): what Harbor's generated
 * clients, CLI and scripts rely on beyond paths — enums, fields always present, configuration
 * items, schedules, job logs and queues, the audit view, and the wording of frequent refusals.
 */
class HarborClientTest {
    private static final List<String> HARBOR_EVENT_TYPES = List.of(
            "create_artifact",
            "delete_artifact",
            "pull_artifact",
            "create_project",
            "delete_project",
            "delete_repository",
            "login_user",
            "logout_user",
            "create_user",
            "delete_user",
            "update_user",
            "create_robot",
            "delete_robot",
            "update_configuration");

    private static BerthServer server;
    private static ApiClient admin;
    private static RegistryClient raw;
    private static TestAccounts accounts;
    private static String project;

    @BeforeAll
    static void start() {
        server = BerthServer.withExternalDatabase(Map.of());
        admin = HarborApi.admin(server);
        raw = server.adminClient();
        accounts = new TestAccounts(server);
        project = accounts.project("fid", false);
        raw.pushImage(project + "/app", "v1", "a layer".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyListAndGetReadsStrictly() throws ApiException {
        TestAccounts.Account member = accounts.user("member");
        accounts.member(project, member, dev.berth.iam.ProjectRole.DEVELOPER);
        raw.send(
                "POST",
                "/api/v2.0/labels",
                TestAccounts.json(Map.of("name", TestAccounts.unique("lbl"), "scope", "g")),
                "Content-Type",
                "application/json");
        new GcApi(admin).createGCSchedule(schedule(ScheduleObj.TypeEnum.DAILY, Map.of()), null);

        ProjectApi projects = new ProjectApi(admin);
        assertThat(projects.listProjects(null, null, null, 100L, null, null, null, null, true))
                .isNotEmpty();
        assertThat(projects.getProject(project, null, true).getName()).isEqualTo(project);
        assertThat(projects.getProjectSummary(project, null, true)).isNotNull();
        assertThat(projects.getProjectDeletable(project, null, true).getDeletable())
                .isFalse();
        assertThat(new RepositoryApi(admin).listRepositories(project, null, null, null, null, null))
                .hasSize(1);
        var artifacts = new dev.berth.harborclient.api.ArtifactApi(admin);
        assertThat(artifacts.listArtifacts(
                        project, "app", null, null, null, null, null, null, true, true, false, false, true, true))
                .hasSize(1);
        assertThat(artifacts.getArtifact(
                        project, "app", "v1", null, null, null, null, true, true, false, false, true, true, true))
                .isNotNull();
        assertThat(artifacts.listTags(project, "app", "v1", null, null, null, null, null, true))
                .hasSize(1);
        UserApi users = new UserApi(admin);
        assertThat(users.listUsers(null, null, null, null, 100L)).isNotEmpty();
        assertThat(users.getCurrentUserInfo(null).getUsername()).isEqualTo("admin");
        assertThat(users.getCurrentUserPermissions(
                        null,
                        "/project/" + projects.getProject(project, null, true).getProjectId(),
                        true))
                .isNotEmpty();
        assertThat(users.searchUsers(member.name(), null, null, null)).hasSize(1);
        assertThat(new MemberApi(admin).listProjectMembers(project, null, true, null, null, null))
                .hasSizeGreaterThanOrEqualTo(1);
        assertThat(new LabelApi(admin).listLabels(null, null, null, null, null, null, "g", null))
                .isNotEmpty();
        assertThat(new QuotaApi(admin).listQuotas(null, null, null, null, null, null))
                .isNotEmpty();
        assertThat(new RobotApi(admin).listRobot(null, null, null, null, null)).isNotNull();
        assertThat(new UsergroupApi(admin).listUserGroups(null, null, null, null, null))
                .isNotNull();
        assertThat(new WebhookApi(admin).listWebhookPoliciesOfProject(project, null, true, null, null, null, null))
                .isNotNull();
        assertThat(new ImmutableApi(admin).listImmuRules(project, null, true, null, null, null, null))
                .isNotNull();
        assertThat(new AuditlogApi(admin).listAuditLogs(null, null, null, null, null))
                .isNotEmpty();
        assertThat(new ProjectApi(admin).getLogs(project, null, null, null, null, null))
                .isNotNull();
        assertThat(new ConfigureApi(admin).getConfigurations(null).getAuthMode().getValue())
                .isEqualTo("db_auth");
        assertThat(new SysteminfoApi(admin).getSystemInfo(null).getAuthMode()).isEqualTo("db_auth");
        assertThat(new SysteminfoApi(HarborApi.anonymous(server)).getSystemInfo(null))
                .isNotNull();
        assertThat(new HealthApi(admin).getHealth(null).getStatus()).isNotNull();
        assertThat(new StatisticApi(admin).getStatistic(null)).isNotNull();
        assertThat(new PermissionsApi(admin).getPermissions(null)).isNotNull();
        assertThat(new GcApi(admin).getGCSchedule(null).getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.DAILY);
        assertThat(new GcApi(admin).getGCHistory(null, null, null, null, null)).isNotNull();
        assertThat(new PurgeApi(admin).getPurgeHistory(null, null, null, null, null))
                .isNotNull();
        assertThat(new JobserviceApi(admin).getWorkerPools(null)).isNotEmpty();
        new GcApi(admin).updateGCSchedule(schedule(ScheduleObj.TypeEnum.NONE, Map.of()), null);
    }

    @Test
    void aProjectAlwaysCarriesACveAllowlist() throws ApiException {
        Project p = new ProjectApi(admin).getProject(project, null, true);
        assertThat(p.getCveAllowlist()).isNotNull();
        assertThat(p.getCveAllowlist().getItems()).isEmpty();
        assertThat(new ProjectApi(admin).listProjects(null, null, null, 100L, null, null, null, null, true))
                .allSatisfy(listed -> assertThat(listed.getCveAllowlist()).isNotNull());
    }

    @Test
    void theCurrentUserLeavesAnEmptyCommentOutAsHarborDoes() throws ApiException {
        TestAccounts.Account plain = accounts.user("plain");
        RegistryClient.Response me = plain.client().get("/api/v2.0/users/current");
        assertThat(me.json().has("comment")).as(me.text()).isFalse();
        UserResp read = new UserApi(HarborApi.client(server, plain.name(), plain.password())).getCurrentUserInfo(null);
        assertThat(read.getComment()).isNull();
        assertThat(read.getUsername()).isEqualTo(plain.name());

        String named = TestAccounts.unique("said");
        new UserApi(admin)
                .createUser(
                        new UserCreationReq()
                                .username(named)
                                .email(named + "@example.com")
                                .realname("R")
                                .comment("hello")
                                .password("Pw-Secret-2026"),
                        null);
        assertThat(new UserApi(HarborApi.client(server, named, "Pw-Secret-2026"))
                        .getCurrentUserInfo(null)
                        .getComment())
                .isEqualTo("hello");
    }

    @Test
    void purgeSchedulesAndRunsUseTheSwaggersEnums() throws ApiException {
        PurgeApi purge = new PurgeApi(admin);
        Map<String, Object> parameters =
                Map.of("audit_retention_hour", 24, "include_event_types", "create_project", "dry_run", true);
        purge.createPurgeSchedule(schedule(ScheduleObj.TypeEnum.DAILY, parameters), null);
        ExecHistory scheduled = purge.getPurgeSchedule(null);
        assertThat(scheduled.getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.DAILY);

        var created = purge.createPurgeScheduleWithHttpInfo(schedule(ScheduleObj.TypeEnum.MANUAL, parameters), null);
        String location = created.getHeaders().get("location").getFirst();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        ExecHistory run = Eventually.await(
                () -> get(() -> purge.getPurgeJob(id, null)),
                h -> h.getJobStatus().equals("Success"));
        assertThat(run.getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.MANUAL);
        assertThat(purge.getPurgeHistory(null, null, null, null, null)).isNotEmpty();

        // A type of null (the generated client leaves it out) resets the schedule, as in Harbor.
        purge.updatePurgeSchedule(new Schedule().schedule(new ScheduleObj()).parameters(parameters), null);
        assertThat(raw.get("/api/v2.0/system/purgeaudit/schedule").text()).isEqualTo("{}");
    }

    @Test
    void aScheduleOfTypeNullOrNoneIsRemoved() throws ApiException {
        GcApi gc = new GcApi(admin);
        gc.updateGCSchedule(schedule(ScheduleObj.TypeEnum.WEEKLY, Map.of("delete_untagged", false)), null);
        assertThat(gc.getGCSchedule(null).getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.WEEKLY);

        gc.updateGCSchedule(new Schedule().schedule(new ScheduleObj()), null);
        assertThat(raw.get("/api/v2.0/system/gc/schedule").text()).isEqualTo("{}");
        RegistryClient.Response explicitNull = TestAccounts.putJson(
                raw, "/api/v2.0/system/gc/schedule", Map.of("schedule", new HashMap<>(Map.of("cron", ""))));
        assertThat(explicitNull.status()).as(explicitNull.text()).isEqualTo(200);

        gc.updateGCSchedule(schedule(ScheduleObj.TypeEnum.HOURLY, Map.of()), null);
        assertThat(gc.getGCSchedule(null).getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.HOURLY);
        gc.updateGCSchedule(schedule(ScheduleObj.TypeEnum.NONE, Map.of()), null);
        assertThat(raw.get("/api/v2.0/system/gc/schedule").text()).isEqualTo("{}");
    }

    @Test
    void configurationItemsAreHarborsAndTheOnesBerthHoldsSayWhy() throws ApiException {
        ConfigureApi config = new ConfigureApi(admin);
        try {
            String banner = "{\"closable\":true,\"message\":\"Maintenance at 22:00\",\"type\":\"warning\"}";
            config.updateConfigurations(
                    new Configurations()
                            .bannerMessage(banner)
                            .scannerSkipUpdatePulltime(true)
                            .storagePerProject(1_048_576),
                    null);
            var read = config.getConfigurations(null);
            assertThat(read.getBannerMessage().getValue()).isEqualTo(banner);
            assertThat(read.getScannerSkipUpdatePulltime().getValue()).isTrue();
            assertThat(read.getStoragePerProject().getValue()).isEqualTo(1_048_576);
            // The portal reads the banner from /systeminfo, before anyone signs in too.
            assertThat(new SysteminfoApi(HarborApi.anonymous(server))
                            .getSystemInfo(null)
                            .getBannerMessage())
                    .isEqualTo(banner);

            // storage_per_project is the limit of a project created without one.
            String limited = TestAccounts.unique("lim");
            new ProjectApi(admin).createProject(new ProjectReq().projectName(limited), null, null);
            long id = accounts.projectId(limited);
            assertThat(new QuotaApi(admin)
                            .listQuotas(null, null, null, "project", String.valueOf(id), null)
                            .getFirst()
                            .getHard())
                    .containsEntry("storage", 1_048_576L);
        } finally {
            config.updateConfigurations(
                    new Configurations()
                            .bannerMessage("")
                            .scannerSkipUpdatePulltime(false)
                            .storagePerProject(-1),
                    null);
        }

        assertThat(refusal(() -> config.updateConfigurations(new Configurations().ldapScope(7), null)))
                .isEqualTo(
                        new Refusal(400, "BAD_REQUEST", "ldap_scope must be 0 (base), 1 (one level) or 2 (subtree)"));
        assertThat(refusal(() -> config.updateConfigurations(new Configurations().uaaVerifyCert(true), null)))
                .isEqualTo(new Refusal(
                        400, "BAD_REQUEST", "uaa_verify_cert cannot be changed: UAA authentication is not supported"));
        RegistryClient.Response unknown =
                TestAccounts.putJson(raw, "/api/v2.0/configurations", Map.of("no_such_item", true));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").path(0).path("message").asString())
                .isEqualTo("invalid config, item not defined in metadatalist, no_such_item");
        RegistryClient.Response system =
                TestAccounts.putJson(raw, "/api/v2.0/configurations", Map.of("metric_enable", true));
        assertThat(system.json().path("errors").path(0).path("message").asString())
                .isEqualTo("system config items cannot be updated, item: metric_enable (set berth.metrics.enabled)");

        // Writing back everything that was read (a settings page's "save") is accepted, held items included.
        Map<String, Object> back = new HashMap<>();
        raw.get("/api/v2.0/configurations")
                .json()
                .properties()
                .forEach(e -> back.put(e.getKey(), e.getValue().get("value")));
        RegistryClient.Response saved = TestAccounts.putJson(raw, "/api/v2.0/configurations", back);
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    }

    @Test
    void theFrequentApiRefusalsCarryHarborsWords() throws ApiException {
        TestAccounts.Account user = accounts.user("deny");
        ApiClient asUser = HarborApi.client(server, user.name(), user.password());
        ProjectApi projects = new ProjectApi(admin);

        assertThat(refusal(() -> new UserApi(HarborApi.anonymous(server)).getCurrentUserInfo(null)))
                .isEqualTo(new Refusal(401, "UNAUTHORIZED", "unauthorized"));
        assertThat(refusal(() -> new UserApi(HarborApi.client(server, user.name(), "wrong-Password-1"))
                        .getCurrentUserInfo(null)))
                .isEqualTo(new Refusal(401, "UNAUTHORIZED", "unauthorized"));
        assertThat(refusal(() -> new ConfigureApi(asUser).getConfigurations(null)))
                .isEqualTo(new Refusal(403, "FORBIDDEN", "forbidden"));

        ConfigureApi config = new ConfigureApi(admin);
        config.updateConfigurations(new Configurations().projectCreationRestriction("adminonly"), null);
        try {
            assertThat(refusal(() -> new ProjectApi(asUser)
                            .createProject(new ProjectReq().projectName(TestAccounts.unique("no")), null, null)))
                    .isEqualTo(new Refusal(403, "FORBIDDEN", "Only system admin can create project"));
        } finally {
            config.updateConfigurations(new Configurations().projectCreationRestriction("everyone"), null);
        }
        Map<String, Object> robotBody = new HashMap<>();
        robotBody.put("name", TestAccounts.unique("sysbot"));
        robotBody.put("level", "system");
        robotBody.put("duration", -1);
        robotBody.put("permissions", List.of(TestAccounts.permission("system", "/", "audit-log:list")));
        JsonNode robot = TestAccounts.createRobot(raw, robotBody);
        ApiClient asRobot = HarborApi.client(
                server, robot.get("name").asString(), robot.get("secret").asString());
        assertThat(refusal(() -> new ProjectApi(asRobot)
                        .createProject(new ProjectReq().projectName(TestAccounts.unique("no")), null, null)))
                .isEqualTo(new Refusal(403, "FORBIDDEN", "Only system level robot can create project"));
        assertThat(refusal(() -> new UserApi(asRobot).getCurrentUserInfo(null)))
                .isEqualTo(
                        new Refusal(412, "PRECONDITION", "get current user not available for security context: robot"));

        assertThat(refusal(() -> projects.getProject("nosuchproject", null, true)))
                .isEqualTo(new Refusal(404, "NOT_FOUND", "project nosuchproject not found"));
        var artifacts = new dev.berth.harborclient.api.ArtifactApi(admin);
        assertThat(refusal(() -> artifacts.getArtifact(
                        project, "app", "v9", null, null, null, null, null, null, null, null, null, null, null)))
                .isEqualTo(new Refusal(404, "NOT_FOUND", "artifact " + project + "/app:v9 not found"));
        String digest = "sha256:" + "0".repeat(64);
        assertThat(refusal(() -> artifacts.getArtifact(
                        project, "app", digest, null, null, null, null, null, null, null, null, null, null, null)))
                .isEqualTo(new Refusal(404, "NOT_FOUND", "artifact " + project + "/app@" + digest + " not found"));
        assertThat(refusal(() -> artifacts.listArtifacts(
                        project, "nothing", null, null, null, null, null, null, null, null, null, null, null, null)))
                .isEqualTo(new Refusal(404, "NOT_FOUND", "repository " + project + "/nothing not found"));

        assertThat(refusal(() -> projects.createProject(new ProjectReq().projectName(project), null, null)))
                .isEqualTo(new Refusal(409, "CONFLICT", "The project named " + project + " already exists"));
        assertThat(refusal(() -> new UserApi(admin)
                        .createUser(
                                new UserCreationReq()
                                        .username(user.name())
                                        .email(TestAccounts.unique("other") + "@example.com")
                                        .realname("R")
                                        .password("Pw-Secret-2026"),
                                null)))
                .satisfies(r -> assertThat(r.status()).isEqualTo(409))
                .satisfies(r -> assertThat(r.message())
                        .startsWith("user " + user.name() + " or email ")
                        .endsWith(" already exists"));
        ProjectMember again = new ProjectMember().roleId(2).memberUser(new UserEntity().username(user.name()));
        new MemberApi(admin).createProjectMember(project, null, true, again);
        assertThat(refusal(() -> new MemberApi(admin).createProjectMember(project, null, true, again)))
                .isEqualTo(new Refusal(409, "CONFLICT", "The project member specified already exist"));
        assertThat(refusal(() -> projects.deleteProject(project, null, true)))
                .isEqualTo(new Refusal(
                        412,
                        "PRECONDITION",
                        "precondition failed: the project contains repositories, can not be deleted"));
    }

    @Test
    void theRegistryRefusesOutsideATokensScopeInHarborsWords() {
        String repository = project + "/app";
        Map<String, Object> body = new HashMap<>();
        body.put("name", TestAccounts.unique("puller"));
        body.put("level", "project");
        body.put("duration", -1);
        body.put("permissions", List.of(TestAccounts.permission("project", project, "repository:pull")));
        JsonNode robot = TestAccounts.createRobot(raw, body);
        String basic = "Basic "
                + Base64.getEncoder()
                        .encodeToString((robot.get("name").asString() + ":"
                                        + robot.get("secret").asString())
                                .getBytes(StandardCharsets.UTF_8));
        RegistryClient anonymous = server.anonymousClient();

        RegistryClient.Response token = anonymous.get(
                "/service/token?service=berth&scope=repository:" + repository + ":pull,push", "Authorization", basic);
        assertThat(token.status()).isEqualTo(200);
        String bearer = "Bearer " + token.json().path("token").asString();
        RegistryClient.Response push =
                anonymous.send("POST", "/v2/" + repository + "/blobs/uploads/", new byte[0], "Authorization", bearer);
        assertThat(push.status()).isEqualTo(401);
        assertThat(push.errorCode()).isEqualTo("UNAUTHORIZED");
        String reason = "unauthorized to access repository: " + repository + ", action: push";
        // docker prints "unauthorized: " and this message.
        assertThat(push.json().path("errors").path(0).path("message").asString())
                .isEqualTo(reason + ": " + reason);
        assertThat(push.header("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"");

        // The same words to a robot that sent Basic credentials, with Berth's 403.
        RegistryClient.Response basicPush =
                anonymous.send("POST", "/v2/" + repository + "/blobs/uploads/", new byte[0], "Authorization", basic);
        assertThat(basicPush.status()).isEqualTo(403);
        assertThat(basicPush.errorCode()).isEqualTo("DENIED");
        assertThat(basicPush.json().path("errors").path(0).path("message").asString())
                .isEqualTo(reason + ": " + reason);
        // Harbor's words to an anonymous reader of a private repository, and to a catalog reader without the right.
        RegistryClient.Response anonymousRead = anonymous.get("/v2/" + repository + "/tags/list");
        assertThat(anonymousRead.status()).isEqualTo(401);
        assertThat(anonymousRead.json().path("errors").path(0).path("message").asString())
                .isEqualTo(
                        "authorize header needed to send HEAD to repository: authorize header needed to send HEAD to repository");
        RegistryClient.Response catalog = anonymous.get("/v2/_catalog", "Authorization", basic);
        assertThat(catalog.status()).isEqualTo(403);
        assertThat(catalog.json().path("errors").path(0).path("message").asString())
                .isEqualTo("unauthorized to list catalog: unauthorized to list catalog");

        RegistryClient.Response badPassword = anonymous.get(
                "/service/token?service=berth&scope=repository:" + repository + ":pull",
                "Authorization",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString("admin:not-the-password".getBytes(StandardCharsets.UTF_8)));
        assertThat(badPassword.status()).isEqualTo(401);
        assertThat(badPassword.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(badPassword.json().path("errors").path(0).path("message").asString())
                .isEqualTo("authentication required");
    }

    @Test
    void theGcLogCarriesHarborsSummaryLines() throws ApiException {
        GcApi gc = new GcApi(admin);
        var created = gc.createGCScheduleWithHttpInfo(
                schedule(ScheduleObj.TypeEnum.MANUAL, Map.of("delete_untagged", true)), null);
        String location = created.getHeaders().get("location").getFirst();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        GCHistory done = Eventually.await(
                () -> get(() -> gc.getGC(id, null)), h -> h.getJobStatus().equals("Success"));
        assertThat(done.getSchedule().getType()).isEqualTo(ScheduleObj.TypeEnum.MANUAL);
        String log = gc.getGCLog(id, null);
        assertThat(log)
                .containsPattern(
                        "Garbage Collection parameters: \\[delete_untagged: true, dry_run: false, time_window: \\d+, workers: \\d+\\]")
                .contains("start to run gc in job.")
                .containsPattern("(?m) \\d+ blobs and \\d+ manifests eligible for deletion$")
                .containsPattern("(?m) The GC job actual frees up \\d+ MB space\\.$")
                .contains("success to run gc in job.");
    }

    @Test
    void theJobServiceListsEveryQueueHarborHas() throws ApiException {
        List<JobQueue> queues = new JobserviceApi(admin).listJobQueues(null);
        assertThat(queues)
                .extracting(JobQueue::getJobType)
                .contains(
                        "AUDIT_LOGS_GDPR_COMPLIANT",
                        "EXECUTION_SWEEP",
                        "GARBAGE_COLLECTION",
                        "IMAGE_SCAN",
                        "P2P_PREHEAT",
                        "PURGE_AUDIT_LOG",
                        "REPLICATION",
                        "RETENTION",
                        "SCAN_DATA_EXPORT",
                        "SCHEDULER",
                        "SLACK",
                        "SYSTEM_ARTIFACT_CLEANUP",
                        "WEBHOOK");
        JobQueue gdpr = queues.stream()
                .filter(q -> q.getJobType().equals("AUDIT_LOGS_GDPR_COMPLIANT"))
                .findFirst()
                .orElseThrow();
        assertThat(gdpr.getCount()).isZero();
        assertThat(gdpr.getPaused()).isFalse();
    }

    @Test
    void theAuditLogExtensionsServeHarborsEventTypesAndEntries() throws ApiException {
        AuditlogApi audit = new AuditlogApi(admin);
        assertThat(audit.listAuditLogEventTypes(null))
                .extracting(AuditLogEventType::getEventType)
                .containsExactlyElementsOf(HARBOR_EVENT_TYPES);

        List<AuditLogExt> created = audit.listAuditLogExts(null, "resource=" + project, null, null, null);
        assertThat(created).anySatisfy(e -> {
            assertThat(e.getOperation()).isEqualTo("create");
            assertThat(e.getResourceType()).isEqualTo("project");
            assertThat(e.getOperationDescription()).isEqualTo("create project: " + project);
            assertThat(e.getOperationResult()).isTrue();
            assertThat(e.getUsername()).isEqualTo("admin");
        });
        assertThat(new ProjectApi(admin).getLogExts(project, null, "resource_type=artifact", null, null, null))
                .anySatisfy(
                        e -> assertThat(e.getOperationDescription()).startsWith("push artifact: " + project + "/app"));

        TestAccounts.Account outsider = accounts.user("outsider");
        ApiClient asOutsider = HarborApi.client(server, outsider.name(), outsider.password());
        assertThat(refusal(() -> new AuditlogApi(asOutsider).listAuditLogEventTypes(null)))
                .isEqualTo(new Refusal(403, "FORBIDDEN", "forbidden"));
        assertThat(new AuditlogApi(asOutsider).listAuditLogExts(null, null, null, null, null))
                .isEmpty();
        assertThat(refusal(() -> new ProjectApi(asOutsider).getLogExts(project, null, null, null, null, null)))
                .isEqualTo(new Refusal(404, "NOT_FOUND", "project " + project + " not found"));
        assertThat(refusal(() ->
                        new AuditlogApi(HarborApi.anonymous(server)).listAuditLogExts(null, null, null, null, null)))
                .isEqualTo(new Refusal(401, "UNAUTHORIZED", "unauthorized"));
    }

    private static Schedule schedule(ScheduleObj.TypeEnum type, Map<String, Object> parameters) {
        return new Schedule().schedule(new ScheduleObj().type(type)).parameters(new HashMap<>(parameters));
    }

    @FunctionalInterface
    private interface Read<T> {
        T get() throws ApiException;
    }

    private static <T> T get(Read<T> read) {
        try {
            return read.get();
        } catch (ApiException e) {
            throw new AssertionError(e.getCode() + " " + e.getResponseBody(), e);
        }
    }
}
