package dev.berth.replication;

import static dev.berth.replication.ReplicationCalls.id;
import static dev.berth.support.TestAccounts.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.DistributionRegistry;
import dev.berth.support.Eventually;
import dev.berth.support.FaultyHttpRelay;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a replication delivers beyond copying tags, against Debian's docker-registry (CNCF
 * distribution 2.8, htpasswd Basic), directly or through a relay that misbehaves on uploads:
 * deletions replicated on events, label/resource/tag filters, accessories after their subject,
 * the speed limit and chunked uploads, retries of 429 and 500, a remote that resets mid-blob, and
 * a stopped execution that leaves no tag on missing content and resumes on the next run. One
 * Berth, one registry and one relay serve every test.
 */
class ReplicationDeliveryTest {
    private static final String USER = "repl";
    private static final String PASSWORD = "Repl-" + UUID.randomUUID();
    private static final String[] ACCEPT_ALL = {
        "Accept",
        String.join(
                ",",
                RegistryClient.OCI_MANIFEST,
                RegistryClient.OCI_INDEX,
                RegistryClient.DOCKER_MANIFEST,
                RegistryClient.DOCKER_LIST)
    };

    private static BerthServer server;
    private static BerthServer peer;
    private static DistributionRegistry distribution;
    private static FaultyHttpRelay relay;
    private static RegistryClient admin;
    private static ReplicationCalls calls;
    private static RegistryClient dist;
    private static long direct;
    private static long relayed;
    private static long peerId;

    @BeforeAll
    static void start() {
        distribution = DistributionRegistry.withBasicAuth(USER, PASSWORD);
        relay = FaultyHttpRelay.to(distribution.baseUri());
        server = BerthServer.withExternalDatabase(Map.of(
                "berth.outbound.allowed-networks", "127.0.0.1/32",
                "berth.jobs.poll-interval", "200ms",
                "berth.replication.retry.attempts", "3",
                "berth.replication.retry.backoff", "100ms",
                "berth.replication.task-attempts", "1",
                "berth.replication.chunk-size", "64KB"));
        admin = server.adminClient();
        calls = new ReplicationCalls(admin);
        dist = new RegistryClient(distribution.baseUri(), Map.of("Authorization", BerthServer.basic(USER, PASSWORD)));
        direct = ReplicationPolicyTest.endpoint(admin, "direct", distribution, USER, PASSWORD);
        RegistryClient.Response r = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        "relayed",
                        "type",
                        "docker-registry",
                        "url",
                        relay.baseUri().toString(),
                        "credential",
                        Map.of("type", "basic", "access_key", USER, "access_secret", PASSWORD)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        relayed = id(r);
        peer = BerthServer.withExternalDatabase(Map.of());
        RegistryClient.Response p = postJson(
                admin,
                "/api/v2.0/registries",
                Map.of(
                        "name",
                        "peer",
                        "type",
                        "harbor",
                        "url",
                        peer.baseUri().toString(),
                        "credential",
                        Map.of("type", "basic", "access_key", "admin", "access_secret", BerthServer.ADMIN_PASSWORD)));
        assertThat(p.status()).as(p.text()).isEqualTo(201);
        peerId = id(p);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (distribution != null) {
            distribution.close();
        }
    }

    private static Map<String, Object> policyBody(long registry, String project) {
        return ReplicationCalls.manualPolicy("dest_registry", registry, project + "/**");
    }

    @SuppressWarnings("unchecked")
    private static void filter(Map<String, Object> body, Map<String, Object> filter) {
        ((List<Object>) body.get("filters")).add(filter);
    }

    private static List<String> sources(long executionId) {
        List<String> sources = new ArrayList<>();
        calls.tasks(executionId).forEach(t -> sources.add(t.path("src_resource").asString()));
        return sources;
    }

    private static int distStatus(String repository, String reference) {
        return dist.get("/v2/" + repository + "/manifests/" + reference, ACCEPT_ALL)
                .status();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random().nextBytes(b);
        return b;
    }

    private static String artifactApi(String repository) {
        int slash = repository.indexOf('/');
        return "/api/v2.0/projects/" + repository.substring(0, slash) + "/repositories/"
                + repository.substring(slash + 1).replace("/", "%252F") + "/artifacts/";
    }

    @Test
    void deletionsHereAreReplicatedByAnEventBasedPolicyWithDeletionOn() {
        String project = new TestAccounts(server).project("del", false);
        Map<String, Object> deleting = policyBody(direct, project);
        deleting.put("trigger", Map.of("type", "event_based"));
        deleting.put("deletion", true);
        long deletingId = calls.policy(deleting);
        Map<String, Object> keeping = policyBody(direct, project);
        keeping.put("trigger", Map.of("type", "event_based"));
        keeping.put("dest_namespace", "kept");
        keeping.put("dest_namespace_replace_count", 0);
        long keepingId = calls.policy(keeping);

        RegistryClient.Image one = admin.pushImage(project + "/app", "v1", ("one " + UUID.randomUUID()).getBytes());
        RegistryClient.Image two = admin.pushImage(project + "/app", "v2", ("two " + UUID.randomUUID()).getBytes());
        for (long policyId : List.of(deletingId, keepingId)) {
            Eventually.await(
                    Duration.ofSeconds(60),
                    () -> admin.get("/api/v2.0/replication/executions?policy_id=" + policyId)
                            .json(),
                    list -> list.size() == 2
                            && list.findValuesAsString("status").stream().allMatch("Succeed"::equals));
        }
        assertThat(distStatus(project + "/app", "v1")).isEqualTo(200);
        assertThat(distStatus("kept/" + project + "/app", "v1")).isEqualTo(200);

        // the artifact v1 is deleted here: its manifest goes at the destination, v2 stays
        RegistryClient.check(admin.delete(artifactApi(project + "/app") + one.manifest()), 200);
        JsonNode deletion = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get("/api/v2.0/replication/executions?policy_id=" + deletingId)
                        .json(),
                list -> list.size() == 3
                        && !list.path(0).path("status").asString().equals("InProgress"));
        assertThat(deletion.path(0).path("status").asString())
                .as(calls.logs(deletion.path(0).path("id").asLong()))
                .isEqualTo("Succeed");
        assertThat(deletion.path(0).path("trigger").asString()).isEqualTo("event_based");
        JsonNode task = calls.tasks(deletion.path(0).path("id").asLong()).path(0);
        assertThat(task.path("operation").asString()).isEqualTo("deletion");
        assertThat(distStatus(project + "/app", one.manifest().toString())).isEqualTo(404);
        assertThat(distStatus(project + "/app", "v1")).isEqualTo(404);
        assertThat(distStatus(project + "/app", "v2")).isEqualTo(200);
        // the policy without deletion left its copy alone, and queued nothing for the deletion
        assertThat(distStatus("kept/" + project + "/app", "v1")).isEqualTo(200);
        assertThat(admin.get("/api/v2.0/replication/executions?policy_id=" + keepingId)
                        .json()
                        .size())
                .isEqualTo(2);

        // a tag deleted alone: CNCF distribution 2.8 cannot delete a tag without its artifact, so
        // the task fails saying so (as Harbor's does) and the destination keeps both
        RegistryClient.check(postJson(admin, artifactApi(project + "/app") + "v2/tags", Map.of("name", "extra")), 201);
        Eventually.await(Duration.ofSeconds(60), () -> distStatus(project + "/app", "extra"), s -> s == 200);
        RegistryClient.check(admin.delete(artifactApi(project + "/app") + "v2/tags/extra"), 200);
        JsonNode tagDeletion = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get("/api/v2.0/replication/executions?policy_id=" + deletingId)
                        .json(),
                list -> list.size() == 5
                        && !list.path(0).path("status").asString().equals("InProgress"));
        long tagExecution = tagDeletion.path(0).path("id").asLong();
        assertThat(calls.tasks(tagExecution).path(0).path("operation").asString())
                .isEqualTo("tag deletion");
        assertThat(tagDeletion.path(0).path("status").asString()).isEqualTo("Failed");
        assertThat(calls.logs(tagExecution)).contains("does not delete a tag alone");
        assertThat(distStatus(project + "/app", two.manifest().toString())).isEqualTo(200);
    }

    @Test
    void aTagDeletedHereIsDeletedAloneOnAnotherBerthAndAPullFromItFiltersByItsLabels() {
        String project = new TestAccounts(server).project("peer", false);
        peer.ensureProject(project, false);
        RegistryClient peerAdmin = peer.adminClient();
        Map<String, Object> push = policyBody(peerId, project);
        push.put("trigger", Map.of("type", "event_based"));
        push.put("deletion", true);
        long pushId = calls.policy(push);
        RegistryClient.Image image = admin.pushImage(project + "/web", "1.0", ("web " + UUID.randomUUID()).getBytes());
        RegistryClient.check(
                postJson(admin, artifactApi(project + "/web") + "1.0/tags", Map.of("name", "stable")), 201);
        Eventually.await(
                Duration.ofSeconds(60),
                () -> peerAdmin
                        .get("/v2/" + project + "/web/manifests/stable", ACCEPT_ALL)
                        .status(),
                s -> s == 200);

        RegistryClient.check(admin.delete(artifactApi(project + "/web") + "1.0/tags/stable"), 200);
        JsonNode executions = Eventually.await(
                Duration.ofSeconds(60),
                () -> admin.get("/api/v2.0/replication/executions?policy_id=" + pushId)
                        .json(),
                list -> list.size() == 3
                        && !list.path(0).path("status").asString().equals("InProgress"));
        long tagExecution = executions.path(0).path("id").asLong();
        assertThat(executions.path(0).path("status").asString())
                .as(calls.logs(tagExecution))
                .isEqualTo("Succeed");
        assertThat(calls.logs(tagExecution)).contains("the tag " + project + "/web:stable is deleted");
        assertThat(peerAdmin
                        .get("/v2/" + project + "/web/manifests/stable", ACCEPT_ALL)
                        .status())
                .isEqualTo(404);
        assertThat(peerAdmin
                        .get("/v2/" + project + "/web/manifests/1.0", ACCEPT_ALL)
                        .status())
                .isEqualTo(200);

        // a pull from the peer with a label filter reads the labels through Harbor's API there
        String source = TestAccounts.unique("lbl");
        peer.ensureProject(source, false);
        peerAdmin.pushImage(source + "/tool", "gold", ("gold " + UUID.randomUUID()).getBytes());
        peerAdmin.pushImage(source + "/tool", "plain", ("plain " + UUID.randomUUID()).getBytes());
        RegistryClient.Response label =
                postJson(peerAdmin, "/api/v2.0/labels", Map.of("name", "release", "scope", "g"));
        assertThat(label.status()).as(label.text()).isIn(201, 409);
        long labelId = label.status() == 201
                ? id(label)
                : peerAdmin
                        .get("/api/v2.0/labels?scope=g&name=release")
                        .json()
                        .path(0)
                        .path("id")
                        .asLong();
        RegistryClient.check(
                postJson(peerAdmin, artifactApi(source + "/tool") + "gold/labels", Map.of("id", labelId)), 200);
        String into = new TestAccounts(server).project("into", false);
        Map<String, Object> pull = new LinkedHashMap<>();
        pull.put("name", TestAccounts.unique("pull-"));
        pull.put("src_registry", Map.of("id", peerId));
        pull.put("dest_namespace", into);
        pull.put(
                "filters",
                List.of(
                        Map.of("type", "name", "value", source + "/**"),
                        Map.of("type", "label", "value", List.of("release"))));
        pull.put("trigger", Map.of("type", "manual"));
        pull.put("enabled", true);
        JsonNode e = calls.run(calls.policy(pull));
        assertThat(e.path("status").asString())
                .as(calls.logs(e.path("id").asLong()))
                .isEqualTo("Succeed");
        assertThat(sources(e.path("id").asLong())).containsExactly(source + "/tool:[gold]");
        assertThat(admin.get("/v2/" + into + "/tool/manifests/gold", ACCEPT_ALL).status())
                .isEqualTo(200);
        assertThat(image.manifest()).isNotNull();
    }

    @Test
    void labelResourceAndTagFiltersSelectAsHarborsDo() {
        TestAccounts accounts = new TestAccounts(server);
        String project = accounts.project("flt", false);
        admin.pushImage(project + "/a", "v1", ("labelled " + UUID.randomUUID()).getBytes());
        admin.pushImage(project + "/a", "v2", ("plain " + UUID.randomUUID()).getBytes());
        admin.pushImage(project + "/a", "rc-1", ("candidate " + UUID.randomUUID()).getBytes());
        // a Helm chart: an OCI artifact that is not an image
        Digest chartConfig = admin.pushBlob(project + "/chart", "{\"name\":\"c\"}".getBytes(StandardCharsets.UTF_8));
        byte[] chart = ("chart " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Digest chartLayer = admin.pushBlob(project + "/chart", chart);
        admin.pushManifest(
                project + "/chart",
                "v-chart",
                RegistryClient.OCI_MANIFEST,
                RegistryClient.imageManifest(
                        RegistryClient.descriptor("application/vnd.cncf.helm.config.v1+json", chartConfig, 12),
                        List.of(RegistryClient.descriptor(
                                "application/vnd.cncf.helm.chart.content.v1.tar+gzip", chartLayer, chart.length)),
                        null,
                        null));
        RegistryClient.Response label = postJson(
                admin,
                "/api/v2.0/labels",
                Map.of("name", "ship", "scope", "p", "project_id", accounts.projectId(project)));
        assertThat(label.status()).as(label.text()).isEqualTo(201);
        RegistryClient.check(postJson(admin, artifactApi(project + "/a") + "v1/labels", Map.of("id", id(label))), 200);

        Map<String, Object> shipped = policyBody(direct, project);
        shipped.put("dest_namespace", "lab");
        shipped.put("dest_namespace_replace_count", 0);
        filter(shipped, Map.of("type", "label", "value", List.of("ship"), "decoration", "matches"));
        filter(shipped, Map.of("type", "resource", "value", "image"));
        JsonNode e = calls.run(calls.policy(shipped));
        assertThat(e.path("status").asString()).isEqualTo("Succeed");
        assertThat(sources(e.path("id").asLong())).containsExactly(project + "/a:[v1]");
        assertThat(distStatus("lab/" + project + "/a", "v1")).isEqualTo(200);

        Map<String, Object> unlabelledV = policyBody(direct, project);
        filter(unlabelledV, Map.of("type", "label", "value", List.of("ship"), "decoration", "excludes"));
        filter(unlabelledV, Map.of("type", "tag", "value", "v*"));
        filter(unlabelledV, Map.of("type", "resource", "value", "image"));
        e = calls.run(calls.policy(unlabelledV));
        assertThat(sources(e.path("id").asLong())).containsExactly(project + "/a:[v2]");

        Map<String, Object> everyKind = policyBody(direct, project);
        filter(everyKind, Map.of("type", "label", "value", List.of("ship"), "decoration", "excludes"));
        filter(everyKind, Map.of("type", "tag", "value", "v1", "decoration", "excludes"));
        filter(everyKind, Map.of("type", "resource", "value", "artifact"));
        e = calls.run(calls.policy(everyKind));
        assertThat(sources(e.path("id").asLong()))
                .containsExactlyInAnyOrder(project + "/a:[v2]", project + "/a:[rc-1]", project + "/chart:[v-chart]");
    }

    @Test
    void signaturesAndReferrersFollowTheirSubject() {
        String project = new TestAccounts(server).project("acc", false);
        String repository = project + "/signed";
        RegistryClient.Image image = admin.pushImage(repository, "1.0", ("subject " + UUID.randomUUID()).getBytes());
        String subject =
                RegistryClient.descriptor(RegistryClient.OCI_MANIFEST, image.manifest(), image.manifestBytes().length);
        // cosign's tag scheme: sha256-<hex>.sig
        byte[] signature = ("signature " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Digest sigLayer = admin.pushBlob(repository, signature);
        Digest empty = admin.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));
        String sigTag = "sha256-" + image.manifest().hex() + ".sig";
        Digest sig = admin.pushManifest(
                repository,
                sigTag,
                RegistryClient.OCI_MANIFEST,
                RegistryClient.imageManifest(
                        RegistryClient.descriptor(RegistryClient.OCI_CONFIG, empty, 2),
                        List.of(RegistryClient.descriptor(
                                "application/vnd.dev.cosign.simplesigning.v1+json", sigLayer, signature.length)),
                        null,
                        null));
        // an SBOM through the referrers API: untagged, its subject the image
        byte[] sbom = ("{\"spdxVersion\":\"SPDX-2.3\",\"n\":\"" + UUID.randomUUID() + "\"}").getBytes();
        Digest sbomLayer = admin.pushBlob(repository, sbom);
        byte[] sbomManifest = RegistryClient.imageManifest(
                RegistryClient.descriptor("application/vnd.oci.empty.v1+json", empty, 2),
                List.of(RegistryClient.descriptor("application/spdx+json", sbomLayer, sbom.length)),
                subject,
                "application/spdx+json");
        Digest referrer = admin.pushManifest(
                repository, Digest.sha256(sbomManifest).toString(), RegistryClient.OCI_MANIFEST, sbomManifest);

        JsonNode e = calls.run(calls.policy(policyBody(direct, project)));
        assertThat(e.path("status").asString()).isEqualTo("Succeed");
        assertThat(sources(e.path("id").asLong()))
                .as("the signature's tag goes with its subject, not as an artifact of its own")
                .containsExactly(repository + ":[1.0]");
        String log = calls.logs(e.path("id").asLong());
        assertThat(log)
                .contains("accessory " + repository + "@" + referrer)
                .contains("tag " + repository + ":" + sigTag);
        assertThat(log.indexOf("tag " + repository + ":1.0 ")).isLessThan(log.indexOf("accessory "));
        RegistryClient.Response copiedSig = dist.get("/v2/" + repository + "/manifests/" + sigTag, ACCEPT_ALL);
        assertThat(copiedSig.status()).isEqualTo(200);
        assertThat(Digest.sha256(copiedSig.body())).isEqualTo(sig);
        RegistryClient.Response copiedSbom = dist.get("/v2/" + repository + "/manifests/" + referrer, ACCEPT_ALL);
        assertThat(copiedSbom.status()).isEqualTo(200);
        assertThat(Digest.sha256(copiedSbom.body())).isEqualTo(referrer);
        assertThat(dist.get("/v2/" + repository + "/blobs/" + sbomLayer).status())
                .isEqualTo(200);
    }

    @Test
    void theSpeedLimitHoldsAndCopyByChunkUploadsInChunks() {
        String project = new TestAccounts(server).project("slow", false);
        admin.pushImage(project + "/big", "1", random(192 * 1024));
        Map<String, Object> body = policyBody(relayed, project);
        body.put("speed", 64); // KiB/s
        body.put("copy_by_chunk", true);
        relay.clearRequests();
        JsonNode e = calls.run(calls.policy(body));
        assertThat(e.path("status").asString())
                .as(calls.logs(e.path("id").asLong()))
                .isEqualTo("Succeed");
        long patches = relay.requests().stream()
                .filter(r -> r.startsWith("PATCH /v2/" + project + "/big/blobs/uploads/"))
                .count();
        assertThat(patches).as(relay.requests().toString()).isGreaterThanOrEqualTo(3);
        assertThat(relay.requests())
                .noneMatch(r -> r.startsWith("PUT /v2/" + project + "/big/blobs/uploads/") && r.contains("digest"));
        // 192 KiB at 64 KiB/s cannot take less than about three seconds (a lower bound only)
        Duration took = Duration.between(
                Instant.parse(e.path("start_time").asString()),
                Instant.parse(e.path("end_time").asString()));
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        assertThat(distStatus(project + "/big", "1")).isEqualTo(200);
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetriedWithBackoff() {
        String project = new TestAccounts(server).project("busy", false);
        admin.pushImage(project + "/svc", "1", ("busy " + UUID.randomUUID()).getBytes());
        long policyId = calls.policy(policyBody(relayed, project));
        relay.failUploads(FaultyHttpRelay.Fault.TOO_MANY_REQUESTS, 2);
        JsonNode e = calls.run(policyId);
        String log = calls.logs(e.path("id").asLong());
        assertThat(e.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(log).contains("answered HTTP 429").contains("retry 1 of 2 in 1000 ms");
        assertThat(distStatus(project + "/svc", "1")).isEqualTo(200);

        admin.pushImage(project + "/svc", "2", ("busier " + UUID.randomUUID()).getBytes());
        relay.failUploads(FaultyHttpRelay.Fault.SERVER_ERROR, 2);
        e = calls.run(policyId);
        log = calls.logs(e.path("id").asLong());
        assertThat(e.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(log).contains("answered HTTP 500").contains("retry 2 of 2");
        assertThat(distStatus(project + "/svc", "2")).isEqualTo(200);
    }

    @Test
    void aRemoteThatResetsMidBlobFailsTheTaskWithNothingTaggedAndARerunFinishes() {
        String project = new TestAccounts(server).project("reset", false);
        RegistryClient.Image image = admin.pushImage(project + "/frag", "1", random(96 * 1024), random(32 * 1024));
        long policyId = calls.policy(policyBody(relayed, project));
        relay.failUploads(FaultyHttpRelay.Fault.RESET_MID_BODY, -1);
        JsonNode failed;
        try {
            failed = calls.run(policyId);
        } finally {
            relay.heal();
        }
        String log = calls.logs(failed.path("id").asLong());
        assertThat(failed.path("status").asString()).as(log).isEqualTo("Failed");
        assertThat(log).contains("failed 3 time(s)").contains("giving up");
        assertThat(distStatus(project + "/frag", "1"))
                .as("no tag on missing content")
                .isEqualTo(404);
        assertThat(distStatus(project + "/frag", image.manifest().toString())).isEqualTo(404);

        JsonNode again = calls.run(policyId);
        assertThat(again.path("status").asString())
                .as(calls.logs(again.path("id").asLong()))
                .isEqualTo("Succeed");
        RegistryClient.Response copied = dist.get("/v2/" + project + "/frag/manifests/1", ACCEPT_ALL);
        assertThat(Digest.sha256(copied.body())).isEqualTo(image.manifest());
        for (Digest layer : image.layers()) {
            assertThat(dist.head("/v2/" + project + "/frag/blobs/" + layer).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aStoppedExecutionLeavesNoTagOnMissingContentAndTheNextRunSkipsWhatArrived() {
        String project = new TestAccounts(server).project("stop", false);
        for (int i = 0; i < 6; i++) {
            admin.pushImage(project + "/img" + i, "1", random(48 * 1024));
        }
        Map<String, Object> body = policyBody(direct, project);
        body.put("speed", 32);
        long policyId = calls.policy(body);
        long executionId = calls.start(policyId);
        Eventually.await(
                Duration.ofSeconds(60),
                () -> calls.execution(executionId),
                e -> e.path("succeed").asInt() >= 1
                        || !e.path("status").asString().equals("InProgress"));
        RegistryClient.check(admin.send("PUT", "/api/v2.0/replication/executions/" + executionId, null), 200);
        JsonNode stopped = calls.awaitEnd(executionId);
        assertThat(stopped.path("status").asString()).isEqualTo("Stopped");
        assertThat(stopped.path("succeed").asInt()).isBetween(1, 5);

        // every tag the destination shows has all of its content
        int tagged = 0;
        for (int i = 0; i < 6; i++) {
            String repository = project + "/img" + i;
            RegistryClient.Response m = dist.get("/v2/" + repository + "/manifests/1", ACCEPT_ALL);
            if (m.status() == 404) {
                continue;
            }
            tagged++;
            JsonNode manifest = RegistryClient.JSON.readTree(m.body());
            List<JsonNode> blobs = new ArrayList<>();
            blobs.add(manifest.path("config"));
            manifest.path("layers").forEach(blobs::add);
            for (JsonNode blob : blobs) {
                assertThat(dist.head("/v2/" + repository + "/blobs/"
                                        + blob.path("digest").asString())
                                .status())
                        .as(repository + " is tagged without "
                                + blob.path("digest").asString())
                        .isEqualTo(200);
            }
        }
        assertThat(tagged).isBetween(1, 5);

        body.put("speed", 0);
        RegistryClient.check(
                admin.send(
                        "PUT",
                        "/api/v2.0/replication/policies/" + policyId,
                        RegistryClient.JSON.writeValueAsBytes(body),
                        "Content-Type",
                        "application/json"),
                200);
        JsonNode resumed = calls.run(policyId);
        String log = calls.logs(resumed.path("id").asLong());
        assertThat(resumed.path("status").asString()).as(log).isEqualTo("Succeed");
        assertThat(log).contains("is there: skipped");
        for (int i = 0; i < 6; i++) {
            assertThat(distStatus(project + "/img" + i, "1")).isEqualTo(200);
        }
    }
}
