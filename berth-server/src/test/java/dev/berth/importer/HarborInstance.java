package dev.berth.importer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures;
import dev.berth.storage.Digest;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.RegistryClient;
import dev.berth.support.Skopeo;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Harbor as the importer meets it: a Harbor-shaped database ({@link HarborSchema}) filled with
 * realistic rows, and a distribution registry ({@code docker-registry}) whose filesystem storage
 * skopeo filled with the images those rows describe.
 */
final class HarborInstance implements AutoCloseable {
    /** Harbor's pbkdf2-sha256 of "Harbor12345" with salt f1e2d3c4b5a69788 (computed independently). */
    static final String ALICE_HASH = "19fc748d1c4bed1e604ec29b939a5de2";
    /** Harbor 1.8's pbkdf2-sha1 of "Old-Pass-1" with salt 0123456789abcdef. */
    static final String BOB_HASH = "8f6f55651dade73844ef504794ca671b";

    /** An image the import must carry: where it lives and the manifest digest it must keep. */
    record Image(String repository, String tag, Digest digest, String mediaType) {}

    /** Harbor core's secretkey (16 characters), which encrypts registry endpoints' credentials. */
    static final String SECRET_KEY = "k3y-0f-harb0r-16";

    final DistributionRegistry registry;
    /** A registry endpoint Harbor replicates to, which wants its user's password. */
    final DistributionRegistry peer;
    /** A Dragonfly manager's health check that answers only Harbor's preheat credentials. */
    final FakeDragonfly dragonfly;

    final TestDatabase db;
    final Path work;
    final List<Image> images = new ArrayList<>();
    /** Artifacts in Harbor's database whose manifests are gone from its storage. */
    final List<String> broken = new ArrayList<>();

    private final HarborSchema schema;
    private final Connection sql;
    private final Map<String, Long> repositoryIds = new LinkedHashMap<>();

    private HarborInstance(HarborSchema schema, Path work) throws Exception {
        this.schema = schema;
        this.work = work;
        this.registry = DistributionRegistry.open();
        this.peer = DistributionRegistry.withBasicAuth("mirror", "Mirror-Secret-1");
        this.dragonfly = new FakeDragonfly("p2p", "P2p-Secret-9");
        this.db = TestDatabase.create();
        Properties props = new Properties();
        props.setProperty("user", db.user());
        this.sql = DriverManager.getConnection(db.jdbcUrl(), props);
        schema.apply(sql);
    }

    static HarborInstance create(HarborSchema schema, Path work) throws Exception {
        HarborInstance h = new HarborInstance(schema, work);
        try {
            h.fill();
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
        return h;
    }

    Path storage() {
        return registry.storageRoot();
    }

    private void fill() throws Exception {
        // Users besides the admin and the deleted anonymous user Harbor's migrations seed: one
        // current hash, one from before Harbor 1.9 (sha1), a directory user without a password.
        exec("""
                INSERT INTO harbor_user (user_id, username, email, password, realname, comment, salt, sysadmin_flag, password_version, deleted)
                VALUES
                 (3, 'alice', 'alice@example.com', '%s', 'Alice A', '', 'f1e2d3c4b5a69788', false, 'sha256', false),
                 (4, 'bob', 'bob@example.com', '%s', 'Bob B', 'old account', '0123456789abcdef', true, 'sha1', false),
                 (5, 'carol', 'carol@example.com', '', 'Carol from LDAP', '', '', false, 'sha256', false)
                """.formatted(ALICE_HASH, BOB_HASH));
        exec("""
                INSERT INTO user_group (id, group_name, group_type, ldap_group_dn)
                VALUES (1, 'devs', 1, 'cn=devs,ou=groups,dc=example,dc=com'), (2, 'ops', 3, '')
                """);
        exec("""
                INSERT INTO project (project_id, owner_id, name, deleted, registry_id) VALUES
                 (2, 3, 'team-a', false, NULL), (3, 4, 'team-b', false, 0),
                 (4, 1, 'gone-project-4', true, NULL)
                """);
        exec("""
                INSERT INTO project_metadata (project_id, name, value) VALUES
                 (2, 'public', 'false'), (2, 'auto_scan', 'true'), (2, 'severity', 'high'),
                 (2, 'prevent_vul', 'true'), (2, 'retention_id', '1'), (3, 'public', 'true')
                """);
        exec("""
                INSERT INTO project_member (project_id, entity_id, entity_type, role) VALUES
                 (2, 3, 'u', 1), (2, 4, 'u', 4), (2, 5, 'u', 3), (2, 1, 'g', 2), (3, 4, 'u', 1),
                 (3, 2, 'g', 5)
                """);
        exec("INSERT INTO quota (reference, reference_id, hard) VALUES"
                + " ('project', '2', '{\"storage\": 10737418240}'), ('project', '3', '{\"storage\": 5368709120}')");
        exec("""
                INSERT INTO harbor_label (id, name, description, color, level, scope, project_id) VALUES
                 (1, 'release', 'shipped builds', '#00AA00', 'u', 'g', 0), (2, 'qa', '', '#FF0000', 'u', 'p', 2)
                """);
        exec(
                """
                INSERT INTO immutable_tag_rule (project_id, tag_filter, disabled) VALUES (2, '%s', false)
                """.formatted(
                                "{\"id\":1,\"priority\":0,\"disabled\":false,\"action\":\"immutable\",\"template\":\"immutable_template\","
                                        + "\"tag_selectors\":[{\"kind\":\"doublestar\",\"decoration\":\"matches\",\"pattern\":\"v*\"}],"
                                        + "\"scope_selectors\":{\"repository\":[{\"kind\":\"doublestar\",\"decoration\":\"repoMatches\",\"pattern\":\"**\"}]}}"));
        exec(
                "INSERT INTO retention_policy (scope_level, scope_reference, trigger_kind, data) VALUES ('project', 2, 'Schedule', '"
                        // as Harbor stores it: the API's policy, with its scheduler's job reference
                        + "{\"id\":1,\"algorithm\":\"or\",\"rules\":[{\"id\":1,\"priority\":0,\"disabled\":false,"
                        + "\"action\":\"retain\",\"template\":\"latestPushedK\",\"params\":{\"latestPushedK\":10},"
                        + "\"tag_selectors\":[{\"kind\":\"doublestar\",\"decoration\":\"matches\",\"pattern\":\"**\"}],"
                        + "\"scope_selectors\":{\"repository\":[{\"kind\":\"doublestar\",\"decoration\":\"repoMatches\","
                        + "\"pattern\":\"**\"}]}}],\"trigger\":{\"kind\":\"Schedule\",\"settings\":{\"cron\":\"0 0 3 * * *\"},"
                        + "\"references\":{\"job_id\":7}},\"scope\":{\"level\":\"project\",\"ref\":2}}')");
        // The audit log: the legacy table of every 2.x, and from 2.13 the extended one, whose failed
        // operations (op_result false) Berth's log does not carry.
        exec("INSERT INTO audit_log (project_id, operation, resource_type, resource, username, op_time) VALUES"
                + " (2, 'create', 'artifact', 'team-a/app:v1', 'alice', '2025-03-01 10:00:00'),"
                + " (2, 'pull', 'artifact', 'team-a/app:v1', 'bob', '2025-03-02 11:30:00')");
        if (schema == HarborSchema.V2_14) {
            exec("INSERT INTO audit_log_ext (project_id, operation, resource_type, resource, username, op_desc,"
                    + " op_result, source_ip, op_time) VALUES"
                    + " (2, 'update', 'project', 'team-a', 'alice', 'update project team-a', true, '10.0.0.5',"
                    + " '2025-03-03 09:15:00'),"
                    + " (0, 'login', 'user', 'mallory', 'mallory', 'login failed', false, '203.0.113.9',"
                    + " '2025-03-04 08:00:00')");
            // Harbor's columns for the request's address and payload: carried, the password masked.
            exec("INSERT INTO audit_log_ext (project_id, operation, resource_type, resource, username, op_desc,"
                    + " op_result, source_ip, payload, op_time) VALUES (0, 'create', 'user', 'dave', 'admin',"
                    + " 'create user dave', true, '10.0.0.6', '{\"username\":\"dave\",\"password\":\"Dave-Pass-1\"}',"
                    + " '2025-03-03 10:00:00')");
        }
        exec("INSERT INTO notification_policy (name, project_id, targets, event_types, creator, enabled) VALUES"
                + " ('ci', 2, '[{\"type\":\"http\",\"address\":\"http://127.0.0.1:9/hook\",\"auth_header\":\"Bearer ci-token\","
                + "\"skip_cert_verify\":false,\"payload_format\":\"CloudEvents\"}]', '[\"PUSH_ARTIFACT\",\"DELETE_ARTIFACT\"]',"
                + " 'alice', true),"
                // Harbor took this address; Berth's outbound rules refuse a cloud metadata address.
                + " ('metadata-probe', 2, '[{\"type\":\"http\",\"address\":\"http://169.254.169.254/latest\"}]',"
                + " '[\"PUSH_ARTIFACT\"]', 'alice', true)");
        // Robots as Harbor stores them: "project+name" for a project robot, no "robot$" prefix, a
        // salted hash of the secret; the hidden one is Harbor's own (a scan job's).
        String robotColumns = schema == HarborSchema.V2_14 ? ", creator_ref, creator_type" : "";
        String robotValues = schema == HarborSchema.V2_14 ? ", 3, 'local'" : "";
        exec(
                "INSERT INTO robot (id, name, description, project_id, expiresat, disabled, secret, salt, duration, visible"
                        + robotColumns + ") VALUES"
                        + " (1, 'team-a+ci', 'CI pusher', 2, -1, false, 'x', 'y', -1, true" + robotValues + "),"
                        + " (2, 'scanner', 'system robot', 0, 1893456000, true, 'x', 'y', 30, true" + robotValues + "),"
                        + " (3, 'team-a+scan-job-1', '', 2, -1, false, 'x', 'y', -1, false" + robotValues + ")");
        exec("""
                INSERT INTO permission_policy (id, scope, resource, action, effect) VALUES
                 (101, '/project/2', 'repository', 'push', 'allow'), (102, '/project/2', 'repository', 'pull', 'allow'),
                 (103, '/project/2', 'artifact', 'read', 'allow'), (104, '/project/4', 'repository', 'pull', 'allow'),
                 (105, '/system', 'scan-all', 'create', 'allow'), (106, '/project/*', 'repository', 'pull', 'allow')
                """);
        exec("""
                INSERT INTO role_permission (role_type, role_id, permission_policy_id) VALUES
                 ('robotaccount', 1, 101), ('robotaccount', 1, 102), ('robotaccount', 1, 103), ('robotaccount', 1, 104),
                 ('robotaccount', 2, 105), ('robotaccount', 2, 106), ('robotaccount', 3, 102)
                """);

        // A registry endpoint with its password encrypted as Harbor's core encrypts it.
        exec("INSERT INTO registry (name, url, credential_type, access_key, access_secret, type, insecure, description)"
                + " VALUES ('harbor-mirror', '" + peer.baseUri() + "', 'basic', 'mirror', '"
                + harborEncrypt("Mirror-Secret-1") + "', 'docker-registry', true, 'the DR site')");

        // Replication policies as Harbor stores them: a scheduled push with today's filters; a pull
        // in Harbor 1.x's shapes (a repository filter merged into the name filter, a label filter
        // Harbor drops, a "kind" trigger); an event-based pull, which Berth's API refuses; and one
        // whose endpoint Harbor no longer has.
        String mirror = "(SELECT id FROM registry WHERE name = 'harbor-mirror')";
        exec("INSERT INTO replication_policy (name, description, creator, src_registry_id, dest_registry_id,"
                + " dest_namespace, dest_namespace_replace_count, filters, trigger, replicate_deletion, override,"
                + " enabled, speed_kb, copy_by_chunk, deleted) VALUES"
                + " ('to-dr', 'team-a to the DR site', 'alice', 0, " + mirror + ", 'dr', 1,"
                + " '[{\"type\":\"name\",\"value\":\"team-a/**\"},{\"type\":\"tag\",\"value\":\"v*\","
                + "\"decoration\":\"matches\"},{\"type\":\"label\",\"value\":[\"release\"],\"decoration\":\"matches\"}]',"
                + " '{\"type\":\"scheduled\",\"trigger_settings\":{\"cron\":\"0 30 2 * * *\"}}', true, true, true, 1024,"
                + " false, false),"
                + " ('legacy-pull', '', 'admin', " + mirror + ", 0, '', -1,"
                + " '[{\"type\":\"name\",\"value\":\"library/**\"},{\"kind\":\"repository\",\"pattern\":\"base\"},"
                + "{\"kind\":\"tag\",\"pattern\":\"1.*\"},{\"kind\":\"label\",\"value\":\"old\"}]',"
                + " '{\"kind\":\"Manual\"}', false, true, false, 0, false, false),"
                + " ('events-in', '', 'admin', " + mirror + ", 0, '', -1, '[]', '{\"type\":\"event_based\"}', false,"
                + " true, true, 0, false, false),"
                + " ('to-gone', '', 'admin', 0, 99, '', -1, '[]', '{\"type\":\"manual\"}', false, true, true, 0, false,"
                + " false),"
                + " ('deleted-one', '', 'admin', 0, " + mirror
                + ", '', -1, '[]', '', false, true, true, 0, false, true)");

        // A Dragonfly instance whose credentials Harbor 2.14 encrypts with its key (2.8 kept JSON),
        // a scheduled policy on it, and a policy whose instance is gone.
        String p2pAuth = "{\"username\":\"p2p\",\"password\":\"P2p-Secret-9\"}";
        exec("INSERT INTO p2p_preheat_instance (id, name, description, vendor, endpoint, auth_mode, auth_data, enabled,"
                + " is_default, insecure, setup_timestamp) VALUES (1, 'd7y', 'the cluster''s Dragonfly', 'dragonfly', '"
                + dragonfly.baseUri() + "', 'BASIC', '"
                + (schema == HarborSchema.V2_14 ? harborEncrypt(p2pAuth) : p2pAuth) + "', true, true, true, 0)");
        String extraColumn = schema == HarborSchema.V2_14 ? ", extra_attrs" : "";
        String extraValue = schema == HarborSchema.V2_14 ? ", '{\"scope\":\"single_seed_peer\"}'" : "";
        exec("INSERT INTO p2p_preheat_policy (name, description, project_id, provider_id, filters, trigger, enabled,"
                + " creation_time, update_time" + extraColumn + ") VALUES"
                + " ('warm-app', 'release tags', 2, 1, '[{\"type\":\"repository\",\"value\":\"app\"},"
                + "{\"type\":\"tag\",\"value\":\"v*\"}]', '{\"type\":\"scheduled\",\"trigger_setting\":"
                + "{\"cron\":\"0 0 4 * * *\"}}', true, now(), now()" + extraValue + "),"
                + " ('warm-gone', '', 2, 42, '[]', '{\"type\":\"manual\"}', true, now(), now()"
                + (schema == HarborSchema.V2_14 ? ", ''" : "") + ")");

        // Harbor's Trivy registration (the default there), disabled before the move.
        exec("INSERT INTO scanner_registration (uuid, url, name, description, auth, access_cred, disabled, is_default,"
                + " immutable, skip_cert_verify) VALUES ('" + UUID.randomUUID()
                + "', 'http://127.0.0.1:9/trivy', 'Trivy',"
                + " 'Harbor''s Trivy adapter', 'Bearer', 'trivy-token', true, true, true, false)");

        // Content: pushed into the distribution registry by skopeo, then described in Harbor's tables.
        Layout app1 = imageLayout("amd64");
        Layout app2 = imageLayout("amd64");
        Image v1 = push(app1, "team-a/app", "v1");
        Image v2 = push(app2, "team-a/app", "v2");
        Image copy = push(app1, "team-b/copy", "latest"); // the same layers in a second repository
        Image multi = push(indexLayout(), "team-b/multi", "latest");
        Image lib = push(imageLayout("arm64"), "library/base", "1.0");

        long appRepo = repository("team-a/app", 2);
        long copyRepo = repository("team-b/copy", 3);
        long multiRepo = repository("team-b/multi", 3);
        long libRepo = repository("library/base", 1);
        long v1Id = artifact(2, appRepo, v1, "v1", "latest");
        artifact(2, appRepo, v2, "v2");
        artifact(3, copyRepo, copy, "latest");
        long multiId = artifact(3, multiRepo, multi, "latest");
        for (Digest child : children(multi)) {
            long childId = artifact(
                    3, multiRepo, new Image("team-b/multi", null, child, RegistryClient.OCI_MANIFEST), new String[0]);
            exec("INSERT INTO artifact_reference (parent_id, child_id, child_digest) VALUES (" + multiId + ", "
                    + childId + ", '" + child + "')");
        }
        artifact(1, libRepo, lib, "1.0");
        // An OCI 1.1 signature on team-a/app:v1: an accessory, untagged, with a subject.
        Image signature = pushSignature("team-a/app", v1);
        long sigId = artifact(2, appRepo, signature, new String[0]);
        exec(
                "INSERT INTO artifact_accessory (artifact_id, subject_artifact_id, type, size, digest, subject_artifact_digest,"
                        + " subject_artifact_repo) VALUES (" + sigId + ", " + v1Id + ", 'signature.cosign', 100, '"
                        + signature.digest() + "', '" + v1.digest() + "', 'team-a/app')");
        exec("INSERT INTO label_reference (label_id, artifact_id) VALUES (1, " + v1Id + "), (2, " + v1Id + ")");
        // Garbage-collected in storage but still in the database: reported, never fatal.
        Digest lost = Digest.sha256(("lost-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        artifact(2, appRepo, new Image("team-a/app", null, lost, RegistryClient.OCI_MANIFEST), "lost");
        broken.add("team-a/app@" + lost);
        images.add(v1);
        images.add(v2);
        images.add(copy);
        images.add(multi);
        images.add(lib);
        images.add(signature);
    }

    private long repository(String name, long projectId) throws Exception {
        long id = insert("INSERT INTO repository (name, project_id, description) VALUES ('" + name + "', " + projectId
                + ", 'imported " + name + "') RETURNING repository_id");
        repositoryIds.put(name, id);
        return id;
    }

    private long artifact(long projectId, long repositoryId, Image image, String... tags) throws Exception {
        String typeColumn = schema == HarborSchema.V2_14 ? ", artifact_type" : "";
        String typeValue = schema == HarborSchema.V2_14 ? ", 'application/vnd.oci.image.config.v1+json'" : "";
        long id = insert("INSERT INTO artifact (project_id, repository_name, digest, type, push_time, repository_id,"
                + " media_type, manifest_media_type, size" + typeColumn + ") VALUES (" + projectId + ", '"
                + repositoryName(repositoryId) + "', '" + image.digest() + "', 'IMAGE', now(), " + repositoryId
                + ", 'application/vnd.oci.image.config.v1+json', '" + image.mediaType() + "', 1000" + typeValue
                + ") RETURNING id");
        for (String tag : tags) {
            exec("INSERT INTO tag (repository_id, artifact_id, name) VALUES (" + repositoryId + ", " + id + ", '" + tag
                    + "')");
        }
        return id;
    }

    private String repositoryName(long id) {
        return repositoryIds.entrySet().stream()
                .filter(e -> e.getValue() == id)
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    // --- images ---------------------------------------------------------------------------------

    /** An OCI image layout directory with one image (or index) tagged "latest". */
    record Layout(Path dir, Digest top, String mediaType) {}

    private Layout imageLayout(String arch) throws IOException {
        Path dir = Files.createDirectories(work.resolve("layout-" + UUID.randomUUID()));
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] manifest = imageManifest(dir, arch, "");
        Digest d = write(dir, manifest);
        index(dir, d, RegistryClient.OCI_MANIFEST, manifest.length);
        return new Layout(dir, d, RegistryClient.OCI_MANIFEST);
    }

    private Layout indexLayout() throws IOException {
        Path dir = Files.createDirectories(work.resolve("layout-" + UUID.randomUUID()));
        Files.createDirectories(dir.resolve("blobs/sha256"));
        StringBuilder entries = new StringBuilder();
        for (String arch : List.of("amd64", "arm64")) {
            byte[] m = imageManifest(dir, arch, "");
            Digest d = write(dir, m);
            if (!entries.isEmpty()) {
                entries.append(',');
            }
            entries.append("{\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":"
                    + m.length + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_INDEX + "\",\"manifests\":["
                        + entries + "]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest d = write(dir, index);
        index(dir, d, RegistryClient.OCI_INDEX, index.length);
        return new Layout(dir, d, RegistryClient.OCI_INDEX);
    }

    private static byte[] imageManifest(Path dir, String arch, String extra) throws IOException {
        byte[] layer = layer();
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                        + "\"diff_ids\":[\"" + Digest.sha256(RegistryClient.gunzip(layer)) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = write(dir, config);
        Digest layerDigest = write(dir, layer);
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST
                        + "\",\"config\":{\"mediaType\":\""
                        + RegistryClient.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                        + "},\"layers\":[{\"mediaType\":\"" + RegistryClient.OCI_LAYER + "\",\"digest\":\""
                        + layerDigest
                        + "\",\"size\":" + layer.length + "}]" + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void index(Path dir, Digest top, String mediaType, long size) throws IOException {
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(
                dir.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + top
                        + "\",\"size\":" + size
                        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
    }

    /** A gzip'd tar with one random file: content no cache has seen. */
    static byte[] layer() {
        return ArtifactFixtures.tarGz(Map.of(
                "data.txt",
                ArtifactFixtures.hex(2048 + ThreadLocalRandom.current().nextInt(2048))));
    }

    private static Digest write(Path dir, byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), content);
        return d;
    }

    /** Pushes the layout with skopeo and reads back the digest the registry serves. */
    private Image push(Layout layout, String repository, String tag) throws Exception {
        Skopeo.run(
                        work,
                        "copy",
                        "--all",
                        "--dest-tls-verify=false",
                        "oci:" + layout.dir() + ":latest",
                        "docker://" + registry.hostPort() + "/" + repository + ":" + tag)
                .ok();
        RegistryClient client = new RegistryClient(registry.baseUri());
        RegistryClient.Response r = client.get(
                "/v2/" + repository + "/manifests/" + tag,
                "Accept",
                RegistryClient.OCI_MANIFEST + ", " + RegistryClient.OCI_INDEX);
        assertThat(r.status()).isEqualTo(200);
        Digest served = Digest.sha256(r.body());
        assertThat(served).as("skopeo kept the manifest as built").isEqualTo(layout.top());
        return new Image(repository, tag, served, layout.mediaType());
    }

    /** An OCI 1.1 referrer of {@code subject}, pushed by digest over plain HTTP as cosign does. */
    private Image pushSignature(String repository, Image subject) throws Exception {
        RegistryClient client = new RegistryClient(registry.baseUri());
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] payload = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + subject.digest() + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        Digest c = client.pushBlob(repository, config);
        Digest p = client.pushBlob(repository, payload);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST
                        + "\",\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + c + "\",\"size\":" + config.length
                        + "},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                        + p + "\",\"size\":" + payload.length + "}],\"subject\":{\"mediaType\":\""
                        + RegistryClient.OCI_MANIFEST + "\",\"digest\":\"" + subject.digest() + "\",\"size\":1}}")
                .getBytes(StandardCharsets.UTF_8);
        Digest d = client.pushManifest(
                repository, Digest.sha256(manifest).toString(), RegistryClient.OCI_MANIFEST, manifest);
        return new Image(repository, null, d, RegistryClient.OCI_MANIFEST);
    }

    private List<Digest> children(Image index) throws IOException {
        RegistryClient client = new RegistryClient(registry.baseUri());
        byte[] body = client.get(
                        "/v2/" + index.repository() + "/manifests/" + index.digest(),
                        "Accept",
                        RegistryClient.OCI_INDEX)
                .body();
        List<Digest> out = new ArrayList<>();
        RegistryClient.JSON
                .readTree(body)
                .path("manifests")
                .forEach(m -> out.add(Digest.parse(m.path("digest").asString()).orElseThrow()));
        return out;
    }

    /** Harbor's reversible encryption: "<enc-v1>" + base64(IV || AES-CFB(value)) with the secret key. */
    static String harborEncrypt(String value) throws Exception {
        byte[] iv = new byte[16];
        ThreadLocalRandom.current().nextBytes(iv);
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CFB/NoPadding");
        aes.init(
                javax.crypto.Cipher.ENCRYPT_MODE,
                new javax.crypto.spec.SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "AES"),
                new javax.crypto.spec.IvParameterSpec(iv));
        byte[] sealed = aes.doFinal(value.getBytes(StandardCharsets.UTF_8));
        byte[] all = new byte[16 + sealed.length];
        System.arraycopy(iv, 0, all, 0, 16);
        System.arraycopy(sealed, 0, all, 16, sealed.length);
        return "<enc-v1>" + java.util.Base64.getEncoder().encodeToString(all);
    }

    /** {@code GET /healthy} of Dragonfly's manager: 200 with the expected basic credentials, 401 otherwise. */
    static final class FakeDragonfly implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;

        FakeDragonfly(String user, String password) throws IOException {
            String expected = "Basic "
                    + java.util.Base64.getEncoder()
                            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/healthy", exchange -> {
                boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(ok ? 200 : 401, -1);
                exchange.close();
            });
            server.start();
        }

        java.net.URI baseUri() {
            return java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // --- sql ------------------------------------------------------------------------------------

    void exec(String statement) throws Exception {
        try (Statement s = sql.createStatement()) {
            s.execute(statement);
        }
    }

    private long insert(String statement) throws Exception {
        try (PreparedStatement ps = sql.prepareStatement(statement);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            sql.close();
        } finally {
            try {
                registry.close();
            } finally {
                try {
                    peer.close();
                } finally {
                    try {
                        dragonfly.close();
                    } finally {
                        db.close();
                    }
                }
            }
        }
    }
}
