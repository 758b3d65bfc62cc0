package dev.berth.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthProcess;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.RegistryClient;
import dev.berth.support.Skopeo;
import dev.berth.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth import-harbor} against a Harbor-shaped database and a distribution registry that
 * skopeo filled: a run stopped part-way, a dry run, the run that finishes, a run that changes
 * nothing; then a started Berth serves every image with its digest and shows Harbor's projects,
 * members, labels, quotas and immutability rules, and Harbor's users sign in with their passwords.
 */
class ImportHarborTest {
    /** Tables whose content a repeated import must leave exactly as it was. */
    private static final List<String> TABLES = List.of(
            "app_user",
            "user_group",
            "project",
            "project_metadata",
            "project_member",
            "label",
            "artifact_label",
            "immutable_tag_rule",
            "repository",
            "manifest",
            "tag",
            "blob",
            "repository_blob",
            "robot",
            "robot_permission",
            "remote_registry",
            "scanner_registration",
            "audit_log",
            "retention_policy",
            "replication_policy",
            "p2p_preheat_instance",
            "p2p_preheat_policy",
            "job_schedule");

    record Run(int exit, String output) {
        Run ok() {
            assertThat(exit).as(output).isZero();
            return this;
        }

        /** "imported N" (or "would import N") for a kind in the summary. */
        long imported(String kind) {
            Matcher m = Pattern.compile("  " + Pattern.quote(kind) + ": (?:imported|would import) (\\d+)")
                    .matcher(output);
            assertThat(m.find()).as(kind + " in\n" + output).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void aHarbor214InstanceMovesInResumablyAndASecondRunChangesNothing() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(DistributionRegistry.BINARY)), "docker-registry is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        Path dir = Files.createTempDirectory("berth-import-harbor-");
        Path data = dir.resolve("berth-data");
        try (HarborInstance harbor = HarborInstance.create(HarborSchema.V2_14, dir.resolve("harbor"));
                TestDatabase berthDb = TestDatabase.create()) {
            List<String> berth = List.of(
                    "--spring.datasource.url=" + berthDb.jdbcUrl(),
                    "--spring.datasource.username=" + berthDb.user(),
                    "--berth.outbound.allowed-networks=127.0.0.1/32");

            // Killed half-way, as far as the next run can tell: two artifacts, then the run stops.
            Run first = importHarbor(harbor, data, dir, "first", berth, "--limit-artifacts", "2")
                    .ok();
            assertThat(first.output()).contains("incomplete: run again to continue");
            assertThat(first.imported("artifacts")).isEqualTo(2);
            assertThat(first.output()).contains("user carol: Harbor's password hash cannot be verified");
            assertThat(snapshot(berthDb).get("manifest")).startsWith("2:");
            // Robots with their permissions and new secrets, listed; Harbor's hidden robot stays behind.
            assertThat(first.imported("robot accounts")).isEqualTo(2);
            assertThat(first.imported("registry endpoints")).isEqualTo(1);
            assertThat(first.imported("scanner registrations")).isEqualTo(1);
            // Harbor's audit logs, both tables; the failed login is not carried, and said
            assertThat(first.imported("audit log entries")).isEqualTo(4);
            assertThat(first.output()).contains("1 audit log entries of failed operations not imported");
            assertThat(auditLog(berthDb))
                    .containsExactly(
                            "2025-03-01T10:00:00Z create artifact team-a/app:v1 alice team-a null null null",
                            "2025-03-02T11:30:00Z pull artifact team-a/app:v1 bob team-a null null null",
                            "2025-03-03T09:15:00Z update project team-a alice team-a update project team-a 10.0.0.5 null",
                            "2025-03-03T10:00:00Z create user dave admin null create user dave 10.0.0.6"
                                    + " {\"username\":\"dave\",\"password\":\"*****\"}");
            assertThat(first.output())
                    .contains("robot robot$team-a+ci (project team-a): imported with its permissions and a NEW secret")
                    .contains("robot robot$scanner (system, disabled): imported")
                    .contains("robot robot$team-a+ci: permissions Berth cannot grant a robot, left out:"
                            + " /project/4 repository:pull (project not imported)")
                    .doesNotContain("scan-job");
            Path secretsFile = dir.resolve("robot-secrets.txt");
            Map<String, String> secrets = robotSecrets(secretsFile);
            assertThat(secrets).containsOnlyKeys("robot$team-a+ci", "robot$scanner");
            assertThat(first.output()).doesNotContain(secrets.get("robot$team-a+ci"));
            assertThat(Files.getPosixFilePermissions(secretsFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

            // A dry run names what remains and what cannot come, and writes nothing.
            Map<String, String> beforeDry = snapshot(berthDb);
            Run dry = importHarbor(harbor, data, dir, "dry", berth, "--dry-run").ok();
            assertThat(dry.output())
                    .contains("import-harbor dry run")
                    .contains("user carol: imported earlier, still needs a new password")
                    .contains(harbor.broken.getFirst() + ": manifest missing from Harbor's storage");
            assertThat(dry.imported("retention policies")).isEqualTo(1);
            assertThat(dry.imported("webhook policies")).isEqualTo(2);
            assertThat(dry.imported("artifacts")).isEqualTo(3); // copy, multi, base; the signature counts apart
            // Policies come after the content: the first run stopped before them. The dry run does not
            // run the API's checks, so the event-based pull counts here and is refused below.
            assertThat(dry.imported("replication policies")).isEqualTo(3);
            assertThat(dry.imported("preheat instances")).isEqualTo(1);
            assertThat(dry.imported("preheat policies")).isEqualTo(1);
            assertThat(dry.imported("project members")).isZero(); // the first run brought them
            assertThat(dry.imported("robot accounts")).isZero();
            assertThat(dry.output())
                    .containsPattern("blobs: would copy \\d+ \\(\\d+ bytes\\), linked to bytes already in Berth [1-9]");
            assertThat(snapshot(berthDb)).isEqualTo(beforeDry);

            Run second = importHarbor(harbor, data, dir, "second", berth).ok();
            assertThat(second.output()).doesNotContain("incomplete");
            assertThat(second.output()).contains("accessories: imported 1");
            assertThat(second.output()).contains("webhook policies: imported 1, already in Berth 0, cannot import 1");
            assertThat(second.output()).contains("webhook policy metadata-probe of project team-a: refused");
            // Harbor's retention policy, with its schedule made again in Berth's scheduler
            assertThat(second.imported("retention policies")).isEqualTo(1);
            assertThat(second.output()).contains("retention policy of project team-a: scheduled again (0 0 3 * * *)");
            assertThat(schedules(berthDb, "RETENTION")).containsExactly("0 0 3 * * *");
            // Replication: endpoints as imported, schedules made again, and why two could not come.
            assertThat(second.output())
                    .contains("replication policies: imported 2, already in Berth 0, cannot import 2")
                    .contains("replication policy to-dr: scheduled again (0 30 2 * * *)")
                    .contains("replication policy events-in: refused: the event_based trigger replicates this"
                            + " registry's events")
                    .contains("replication policy to-gone: not imported, its registry endpoint (Harbor's #99) was"
                            + " not imported")
                    .doesNotContain("deleted-one");
            assertThat(schedules(berthDb, "REPLICATION")).containsExactly("0 30 2 * * *");
            // Preheat: the instance with its credentials decrypted with Harbor's key, its policy scheduled.
            assertThat(second.output())
                    .contains("preheat instances: imported 1, already in Berth 0, cannot import 0")
                    .contains("preheat policies: imported 1, already in Berth 0, cannot import 1")
                    .contains("preheat policy warm-app of project team-a: scheduled again (0 0 4 * * *)")
                    .contains("preheat policy warm-gone of project team-a: not imported, its provider instance"
                            + " (Harbor's #42) was not imported");
            assertThat(schedules(berthDb, "P2P_PREHEAT_SCHEDULE")).containsExactly("0 0 4 * * *");
            for (Run run : List.of(first, dry, second)) {
                assertThat(run.output())
                        .doesNotContain("P2p-Secret-9")
                        .doesNotContain("Mirror-Secret-1")
                        .doesNotContain("Dave-Pass-1");
            }
            // team-b/copy holds the same blobs as team-a/app:v1, which the first run copied.
            assertThat(second.output()).containsPattern("linked to bytes already in Berth [1-9]");

            Map<String, String> afterImport = snapshot(berthDb);
            Run third = importHarbor(harbor, data, dir, "third", berth).ok();
            for (String kind : List.of(
                    "users",
                    "projects",
                    "project members",
                    "labels",
                    "artifacts",
                    "quotas",
                    "webhook policies",
                    "robot accounts",
                    "registry endpoints",
                    "scanner registrations",
                    "audit log entries",
                    "retention policies",
                    "replication policies",
                    "preheat instances",
                    "preheat policies")) {
                assertThat(third.imported(kind)).as(kind).isZero();
            }
            assertThat(third.output()).contains("blobs: copied 0 (0 bytes), linked to bytes already in Berth 0");
            assertThat(snapshot(berthDb)).isEqualTo(afterImport);
            assertThat(robotSecrets(secretsFile)).isEqualTo(secrets); // no robot was made again

            // team-a keeps Harbor's prevent_vul, and nothing has scanned the imported images yet: with
            // the built-in scanner as the default, Berth refuses them until they are scanned, as
            // Harbor refuses unscanned images when a scanner exists (docs/import-harbor.md). This
            // test is about the import, so Berth starts without a default scanner, as Harbor
            // without one lets them through.
            List<String> withoutScanner = new ArrayList<>(berth);
            withoutScanner.add("--berth.scan.builtin-default=false");
            try (BerthProcess started =
                    BerthProcess.start(data, dir.resolve("tmp"), dir.resolve("berth.log"), withoutScanner)) {
                for (HarborInstance.Image image : harbor.images) {
                    pullsIntact(started, dir, image);
                }
                apiShowsHarborsSettings(started);
                harborUsersSignIn(started, berthDb);
                robotsWorkWithTheirNewSecrets(started, secrets);
                registryEndpointKeepsItsDecryptedCredential(started);
                replicationAndPreheatPoliciesCameAlong(started);
                JsonNode scanners =
                        started.adminClient().get("/api/v2.0/scanners").json();
                assertThat(scanners.size()).isEqualTo(1);
                assertThat(scanners.path(0).path("name").asString()).isEqualTo("Trivy");
                assertThat(scanners.path(0).path("url").asString()).isEqualTo("http://127.0.0.1:9/trivy");
                assertThat(scanners.path(0).path("disabled").asBoolean()).isTrue();
                assertThat(scanners.path(0).path("auth").asString()).isEqualTo("Bearer");
                assertThat(scanners.toString()).doesNotContain("trivy-token");
            }
        }
    }

    @Test
    void aHarbor28SchemaImportsToo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(DistributionRegistry.BINARY)), "docker-registry is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        Path dir = Files.createTempDirectory("berth-import-harbor28-");
        try (HarborInstance harbor = HarborInstance.create(HarborSchema.V2_8, dir.resolve("harbor"));
                TestDatabase berthDb = TestDatabase.create()) {
            List<String> berth = List.of(
                    "--spring.datasource.url=" + berthDb.jdbcUrl(), "--spring.datasource.username=" + berthDb.user());
            Run run = importHarbor(false, harbor, dir.resolve("berth-data"), dir, "run", berth)
                    .ok();
            // Without Harbor's key the endpoint comes without its password, and says so.
            assertThat(run.output())
                    .contains("registry endpoint harbor-mirror: its credential is encrypted with Harbor's key;"
                            + " imported without it");
            assertThat(run.imported("users")).isEqualTo(3); // alice, bob, carol; admin is Berth's own
            assertThat(run.imported("projects")).isEqualTo(2); // team-a, team-b; library exists
            try (Connection c = connect(berthDb);
                    Statement s = c.createStatement()) {
                for (HarborInstance.Image image : harbor.images) {
                    ResultSet rs =
                            s.executeQuery("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                                    + " WHERE r.name = '" + image.repository() + "' AND m.digest = '" + image.digest()
                                    + "'");
                    rs.next();
                    assertThat(rs.getLong(1)).as(image.toString()).isEqualTo(1);
                }
            }
        }
    }

    private static Run importHarbor(
            HarborInstance harbor, Path data, Path dir, String name, List<String> berth, String... extra)
            throws Exception {
        return importHarbor(true, harbor, data, dir, name, berth, extra);
    }

    /** With Harbor's secret key (the endpoints' credentials come along) or without. */
    private static Run importHarbor(
            boolean withHarborKey,
            HarborInstance harbor,
            Path data,
            Path dir,
            String name,
            List<String> berth,
            String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "import-harbor",
                "--harbor-db",
                harbor.db.jdbcUrl(),
                "--harbor-db-user",
                harbor.db.user(),
                "--harbor-storage",
                harbor.storage().toString()));
        args.addAll(List.of("--robot-secrets", dir.resolve("robot-secrets.txt").toString()));
        if (withHarborKey) {
            Path key = Files.writeString(dir.resolve("secretkey"), HarborInstance.SECRET_KEY);
            args.addAll(List.of("--harbor-secret-key-file", key.toString()));
        }
        args.addAll(List.of(extra));
        args.addAll(berth);
        args.add("--berth.admin-password=" + BerthServer.ADMIN_PASSWORD);
        Path log = dir.resolve("import-" + name + ".log");
        int exit = BerthProcess.runCommand(data, log, args);
        return new Run(exit, Files.readString(log, StandardCharsets.UTF_8));
    }

    /** skopeo pulls the image by digest (every blob, every platform) and finds the digest Harbor had. */
    /** The crons of Berth's schedules of one kind. */
    private static List<String> schedules(TestDatabase db, String vendorType) throws Exception {
        List<String> crons = new ArrayList<>();
        try (Connection c = connect(db);
                var rs = c.createStatement()
                        .executeQuery("SELECT cron FROM job_schedule WHERE vendor_type = '" + vendorType + "'")) {
            while (rs.next()) {
                crons.add(rs.getString(1));
            }
        }
        return crons;
    }

    /** Berth's audit entries from before the import ran (Harbor's): time, operation, type, resource, user, project, description. */
    private static List<String> auditLog(TestDatabase db) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(db);
                var rs = c.createStatement()
                        .executeQuery("SELECT a.op_time, a.operation, a.resource_type, a.resource, a.username, p.name,"
                                + " a.operation_description, a.source_ip, a.payload FROM audit_log a"
                                + " LEFT JOIN project p ON p.id = a.project_id"
                                + " WHERE a.op_time < '2026-01-01' ORDER BY a.op_time")) {
            while (rs.next()) {
                rows.add(rs.getObject(1, java.time.OffsetDateTime.class).toInstant() + " " + rs.getString(2) + " "
                        + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5) + " " + rs.getString(6)
                        + " " + rs.getString(7) + " " + rs.getString(8) + " " + rs.getString(9));
            }
        }
        return rows;
    }

    private static void pullsIntact(BerthProcess berth, Path dir, HarborInstance.Image image) throws Exception {
        Path out = dir.resolve("pulled-" + image.digest().hex());
        String ref = berth.baseUri().getAuthority() + "/" + image.repository()
                + (image.tag() == null ? "@" + image.digest() : ":" + image.tag());
        Skopeo.run(
                        dir,
                        "copy",
                        "--all",
                        "--src-tls-verify=false",
                        "--src-creds",
                        "admin:" + BerthServer.ADMIN_PASSWORD,
                        "docker://" + ref,
                        "oci:" + out + ":pulled")
                .ok();
        JsonNode index = RegistryClient.JSON.readTree(Files.readAllBytes(out.resolve("index.json")));
        assertThat(index.path("manifests").path(0).path("digest").asString())
                .as(ref)
                .isEqualTo(image.digest().toString());
        String raw = Skopeo.run(
                        dir,
                        "inspect",
                        "--raw",
                        "--tls-verify=false",
                        "--creds",
                        "admin:" + BerthServer.ADMIN_PASSWORD,
                        "docker://" + ref)
                .ok()
                .out();
        assertThat(Digest.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    }

    private static void apiShowsHarborsSettings(BerthProcess berth) {
        RegistryClient admin = berth.adminClient();
        JsonNode teamA = admin.get("/api/v2.0/projects/team-a").json();
        assertThat(teamA.path("metadata").path("public").asString()).isEqualTo("false");
        assertThat(teamA.path("metadata").path("auto_scan").asString()).isEqualTo("true");
        assertThat(teamA.path("metadata").path("severity").asString()).isEqualTo("high");
        assertThat(teamA.path("owner_name").asString()).isEqualTo("alice");
        assertThat(admin.get("/api/v2.0/projects/team-b")
                        .json()
                        .path("metadata")
                        .path("public")
                        .asString())
                .isEqualTo("true");

        Map<String, Integer> members = new LinkedHashMap<>();
        admin.get("/api/v2.0/projects/team-a/members")
                .json()
                .forEach(m -> members.put(
                        m.path("entity_name").asString() + "/"
                                + m.path("entity_type").asString(),
                        m.path("role_id").asInt()));
        assertThat(members)
                .containsEntry("alice/u", 1)
                .containsEntry("bob/u", 4)
                .containsEntry("carol/u", 3)
                .containsEntry("devs/g", 2);

        JsonNode rules =
                admin.get("/api/v2.0/projects/team-a/immutabletagrules").json();
        assertThat(rules.size()).isEqualTo(1);
        assertThat(rules.path(0).path("tag_selectors").path(0).path("pattern").asString())
                .isEqualTo("v*");

        JsonNode hooks = admin.get("/api/v2.0/projects/team-a/webhook/policies").json();
        assertThat(hooks.size()).isEqualTo(1);
        assertThat(hooks.path(0).path("name").asString()).isEqualTo("ci");
        assertThat(hooks.path(0).path("enabled").asBoolean()).isTrue();
        assertThat(hooks.path(0).path("targets").path(0).path("address").asString())
                .isEqualTo("http://127.0.0.1:9/hook");
        assertThat(hooks.path(0).path("targets").path(0).path("payload_format").asString())
                .isEqualTo("CloudEvents");
        assertThat(hooks.toString()).doesNotContain("ci-token"); // sealed at rest, write-only in the API
        List<String> events = new ArrayList<>();
        hooks.path(0).path("event_types").forEach(e -> events.add(e.asString()));
        assertThat(events).containsExactlyInAnyOrder("PUSH_ARTIFACT", "DELETE_ARTIFACT");

        JsonNode summary = admin.get("/api/v2.0/projects/team-a/summary").json();
        assertThat(summary.path("quota").path("hard").path("storage").asLong()).isEqualTo(10737418240L);

        JsonNode v1 = admin.get("/api/v2.0/projects/team-a/repositories/app/artifacts/v1?with_label=true&with_tag=true")
                .json();
        List<String> labels = new ArrayList<>();
        v1.path("labels").forEach(l -> labels.add(l.path("name").asString()));
        assertThat(labels).containsExactlyInAnyOrder("release", "qa");
        List<String> tags = new ArrayList<>();
        v1.path("tags").forEach(t -> tags.add(t.path("name").asString()));
        assertThat(tags).containsExactlyInAnyOrder("v1", "latest");
    }

    private static void harborUsersSignIn(BerthProcess berth, TestDatabase berthDb) throws Exception {
        RegistryClient anonymous = new RegistryClient(berth.baseUri());
        assertThat(anonymous
                        .get("/api/v2.0/users/current", "Authorization", BerthServer.basic("alice", "Harbor12345"))
                        .status())
                .isEqualTo(200);
        assertThat(anonymous
                        .get("/api/v2.0/users/current", "Authorization", BerthServer.basic("bob", "Old-Pass-1"))
                        .status())
                .isEqualTo(200);
        assertThat(anonymous
                        .get("/api/v2.0/users/current", "Authorization", BerthServer.basic("alice", "Harbor1234"))
                        .status())
                .isEqualTo(401);
        assertThat(anonymous
                        .get("/api/v2.0/users/current", "Authorization", BerthServer.basic("carol", ""))
                        .status())
                .isEqualTo(401);
        // Once the password is known, Harbor's weak hash is replaced by Berth's own.
        try (Connection c = connect(berthDb);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT password_hash FROM app_user WHERE username = 'alice'")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("$2");
        }
    }

    /**
     * Harbor's endpoint, its password decrypted with Harbor's key and sealed with Berth's: shown
     * masked, and the peer (which wants that password) answers Berth's ping.
     */
    private static void registryEndpointKeepsItsDecryptedCredential(BerthProcess berth) {
        RegistryClient admin = berth.adminClient();
        JsonNode registries = admin.get("/api/v2.0/registries").json();
        assertThat(registries.size()).isEqualTo(1);
        JsonNode mirror = registries.path(0);
        assertThat(mirror.path("name").asString()).isEqualTo("harbor-mirror");
        assertThat(mirror.path("description").asString()).isEqualTo("the DR site");
        assertThat(mirror.path("status").asString()).isEqualTo("healthy");
        assertThat(mirror.path("credential").path("type").asString()).isEqualTo("basic");
        assertThat(mirror.path("credential").path("access_secret").asString()).isEqualTo("*****");
        assertThat(registries.toString()).doesNotContain("Mirror-Secret-1").doesNotContain("enc-v1");
        RegistryClient.Response ping = admin.send(
                "POST",
                "/api/v2.0/registries/ping",
                ("{\"id\":" + mirror.path("id").asLong() + "}").getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(ping.status()).as(ping.text()).isEqualTo(200);
    }

    /**
     * Harbor's replication policies as the API shows them, on the imported endpoint with their
     * filters and triggers (1.x shapes read as Harbor reads them); the preheat instance answers a
     * ping with the credentials Harbor had encrypted (the fake Dragonfly wants exactly those), and
     * its policy is in its project.
     */
    private static void replicationAndPreheatPoliciesCameAlong(BerthProcess berth) {
        RegistryClient admin = berth.adminClient();
        Map<String, JsonNode> policies = new LinkedHashMap<>();
        admin.get("/api/v2.0/replication/policies")
                .json()
                .forEach(p -> policies.put(p.path("name").asString(), p));
        assertThat(policies).containsOnlyKeys("to-dr", "legacy-pull");
        JsonNode toDr = policies.get("to-dr");
        assertThat(toDr.path("description").asString()).isEqualTo("team-a to the DR site");
        assertThat(toDr.path("dest_registry").path("name").asString()).isEqualTo("harbor-mirror");
        assertThat(toDr.path("dest_namespace").asString()).isEqualTo("dr");
        assertThat(toDr.path("dest_namespace_replace_count").asInt()).isEqualTo(1);
        assertThat(toDr.path("trigger").path("type").asString()).isEqualTo("scheduled");
        assertThat(toDr.path("trigger").path("trigger_settings").path("cron").asString())
                .isEqualTo("0 30 2 * * *");
        assertThat(toDr.path("replicate_deletion").asBoolean()).isTrue();
        assertThat(toDr.path("enabled").asBoolean()).isTrue();
        assertThat(toDr.path("speed").asInt()).isEqualTo(1024);
        assertThat(filters(toDr)).containsExactly("name team-a/** ", "tag v* matches", "label [\"release\"] matches");
        JsonNode legacy = policies.get("legacy-pull");
        assertThat(legacy.path("src_registry").path("name").asString()).isEqualTo("harbor-mirror");
        assertThat(legacy.path("trigger").path("type").asString()).isEqualTo("manual");
        assertThat(legacy.path("enabled").asBoolean()).isFalse();
        assertThat(filters(legacy)).containsExactly("name library/base ", "tag 1.* ");

        JsonNode instances = admin.get("/api/v2.0/p2p/preheat/instances").json();
        assertThat(instances.size()).isEqualTo(1);
        assertThat(instances.path(0).path("name").asString()).isEqualTo("d7y");
        assertThat(instances.path(0).path("auth_mode").asString()).isEqualTo("BASIC");
        assertThat(instances.path(0).path("default").asBoolean()).isTrue();
        assertThat(instances.toString()).doesNotContain("P2p-Secret-9").doesNotContain("enc-v1");
        RegistryClient.Response ping = admin.send(
                "POST",
                "/api/v2.0/p2p/preheat/instances/ping",
                ("{\"id\":" + instances.path(0).path("id").asLong() + "}").getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(ping.status()).as(ping.text()).isEqualTo(200);
        JsonNode preheat =
                admin.get("/api/v2.0/projects/team-a/preheat/policies").json();
        assertThat(preheat.size()).isEqualTo(1);
        assertThat(preheat.path(0).path("name").asString()).isEqualTo("warm-app");
        assertThat(preheat.path(0).path("provider_name").asString()).isEqualTo("d7y");
        assertThat(preheat.path(0).path("trigger").asString()).contains("0 0 4 * * *");
        assertThat(preheat.path(0).path("extra_attrs").asString()).contains("single_seed_peer");
    }

    /** A replication policy's filters as "type value decoration". */
    private static List<String> filters(JsonNode policy) {
        List<String> out = new ArrayList<>();
        policy.path("filters")
                .forEach(f -> out.add(f.path("type").asString() + " "
                        + (f.path("value").isString()
                                ? f.path("value").asString()
                                : f.path("value").toString())
                        + " " + f.path("decoration").asString("")));
        return out;
    }

    /** A robot's grants as "kind namespace resource:action". */
    private static List<String> access(JsonNode robot) {
        List<String> out = new ArrayList<>();
        robot.path("permissions")
                .forEach(p -> p.path("access")
                        .forEach(a -> out.add(p.path("kind").asString() + " "
                                + p.path("namespace").asString() + " "
                                + a.path("resource").asString() + ":"
                                + a.path("action").asString())));
        return out;
    }

    /** The secrets file: "robot$login secret" per line. */
    private static Map<String, String> robotSecrets(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.split(" ", 2);
            assertThat(out.put(parts[0], parts[1])).as("one line per robot").isNull();
        }
        return out;
    }

    /**
     * The imported project robot pulls with its new secret and keeps Harbor's grants (push, pull,
     * artifact read on team-a); the system robot was disabled in Harbor and stays so.
     */
    private static void robotsWorkWithTheirNewSecrets(BerthProcess berth, Map<String, String> secrets) {
        RegistryClient ci = new RegistryClient(berth.baseUri());
        String ciAuth = BerthServer.basic("robot$team-a+ci", secrets.get("robot$team-a+ci"));
        assertThat(ci.get("/v2/team-a/app/manifests/v1", "Authorization", ciAuth, "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);
        // Harbor granted push on team-a, nothing on team-b (public: pulls are anyone's, pushes are not).
        assertThat(ci.send("POST", "/v2/team-a/app/blobs/uploads/", new byte[0], "Authorization", ciAuth)
                        .status())
                .isEqualTo(202);
        assertThat(ci.send("POST", "/v2/team-b/copy/blobs/uploads/", new byte[0], "Authorization", ciAuth)
                        .status())
                .isIn(401, 403);
        String scannerAuth = BerthServer.basic("robot$scanner", secrets.get("robot$scanner"));
        assertThat(ci.get("/v2/", "Authorization", scannerAuth).status()).isEqualTo(401);

        RegistryClient admin = berth.adminClient();
        long teamA =
                admin.get("/api/v2.0/projects/team-a").json().path("project_id").asLong();
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        admin.get("/api/v2.0/robots?q=Level%3Dsystem")
                .json()
                .forEach(r -> byName.put(r.path("name").asString(), r));
        admin.get("/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D" + teamA)
                .json()
                .forEach(r -> byName.put(r.path("name").asString(), r));
        assertThat(byName).containsOnlyKeys("robot$team-a+ci", "robot$scanner");
        assertThat(byName.get("robot$team-a+ci").path("description").asString()).isEqualTo("CI pusher");
        assertThat(byName.get("robot$team-a+ci").path("duration").asLong()).isEqualTo(-1);
        assertThat(byName.get("robot$scanner").path("disable").asBoolean()).isTrue();
        assertThat(byName.get("robot$scanner").path("expires_at").asLong()).isEqualTo(1893456000L);
        assertThat(access(byName.get("robot$team-a+ci")))
                .containsExactlyInAnyOrder(
                        "project team-a repository:push",
                        "project team-a repository:pull",
                        "project team-a artifact:read");
        assertThat(access(byName.get("robot$scanner")))
                .containsExactlyInAnyOrder("system / scan-all:create", "project * repository:pull");
    }

    /** Per table: row count and a digest of every row's text. */
    private static Map<String, String> snapshot(TestDatabase db) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = connect(db);
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT count(*) || ':' || COALESCE(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM "
                                + table + " t")) {
                    rs.next();
                    out.put(table, rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Connection connect(TestDatabase db) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        return DriverManager.getConnection(db.jdbcUrl(), props);
    }
}
