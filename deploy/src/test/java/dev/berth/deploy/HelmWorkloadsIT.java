package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.marcnuri.helm.Helm;
import dev.berth.support.Podman;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart's workloads run: deploy/helm/berth rendered by Helm (helm-java, as
 * {@link HelmChartTest} does) and played by {@code podman kube play --network host}.
 *
 * <p>Podman 4.3 (Debian 12) plays Pods, Deployments, PersistentVolumeClaims and ConfigMaps. What it
 * cannot play is left out and said here: Services, Ingresses, StatefulSets (the internal database:
 * these tests use the machine's PostgreSQL as the chart's external database), PodDisruptionBudgets
 * and ServiceMonitors. Secrets are not a kind it plays either: each rendered Secret becomes a podman
 * secret holding its {@code data} (what podman reads for {@code secretKeyRef}), and each Secret
 * volume, which kube play cannot mount, becomes a read-only host directory with the Secret's items
 * as the kubelet would write them (mode 0440, group = the pod's fsGroup). Podman does not run the
 * readiness probe (it makes the liveness probe a health check with curl, which the image does
 * not have, and runs none without systemd): the test asks the probe's path itself. On the host's
 * network the pod listens on a free port of 127.0.0.1, given by {@code berth.extraEnvVars}
 * ({@code SERVER_PORT}); the containers' {@code ports} are left out, as podman 4.3 would publish
 * them and cannot on the host's network.
 */
class HelmWorkloadsIT {
    private static final Path CHART =
            Path.of(System.getProperty("berth.deploy.dir", ".")).resolve("helm/berth");
    private static final Map<String, String> PLAYED = Map.of(
            "Deployment", "played", "PersistentVolumeClaim", "played", "ConfigMap", "played", "Secret", "translated");

    private static FakeKubernetesApi cluster;
    private static Workloads w;
    private final List<String> cleanup = new ArrayList<>();

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        w = Workloads.start();
        cluster = FakeKubernetesApi.start(Path.of(System.getProperty("berth.kubeconfig", "target/kubeconfig-it")));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void berthPodStartsWithTheRenderedEnvironmentSecretsAndSecurityContextAndServesPushAndPull() throws Exception {
        String release = "it" + UUID.randomUUID().toString().substring(0, 6);
        Workloads.Database database = w.database(work);
        int port = Workloads.freePort();
        String fullname = release + "-berth";
        try {
            List<Map<String, Object>> objects = render(release, """
                    externalURL: http://127.0.0.1:%1$d
                    expose:
                      type: clusterIP
                      tls:
                        enabled: false
                    harborAdminPassword: %2$s
                    database:
                      type: external
                      external:
                        host: %6$s
                        port: "%7$d"
                        username: %8$s
                        password: %9$s
                        coreDatabase: %3$s
                        sslmode: disable
                    berth:
                      image:
                        repository: %4$s
                        tag: %5$s
                      javaOpts: "-Xmx384m -XX:TieredStopAtLevel=1"
                      extraEnvVars:
                        - name: SERVER_PORT
                          value: "%1$d"
                        - name: SERVER_ADDRESS
                          value: 127.0.0.1
                    """.formatted(
                            port,
                            Workloads.ADMIN_PASSWORD,
                            database.name(),
                            repository(),
                            tag(),
                            database.host(),
                            database.port(),
                            database.user(),
                            database.password()));
            assertThat(kinds(objects))
                    .containsEntry("Deployment", 1)
                    .containsEntry("PersistentVolumeClaim", 1)
                    .containsEntry("Secret", 2)
                    .containsEntry("Service", 1);

            Map<String, Object> deployment = only(objects, "Deployment");
            Map<String, Object> readiness = map(deployment, "spec.template.spec.containers[0].readinessProbe");
            Map<String, Object> liveness = map(deployment, "spec.template.spec.containers[0].livenessProbe");
            String pod = play(objects, release);

            URI base = URI.create("http://127.0.0.1:" + port);
            String container = container(pod);
            // ready: the readiness probe's path answers as the kubelet would ask it
            Workloads.awaitOk(base, string(readiness, "httpGet.path"), () -> notRunning(container));
            assertEquals(200, Workloads.status(base.resolve(string(readiness, "httpGet.path"))));
            assertEquals(200, Workloads.status(base.resolve(string(liveness, "httpGet.path"))));

            // the rendered security context: uid 10000, read-only root, no capabilities
            assertEquals(
                    "10000:10000 true",
                    w.podman
                            .run("inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", container)
                            .ok()
                            .output());
            // drop: [ALL]: podman lists every capability it would otherwise grant as dropped
            assertThat(w.podman
                            .run("inspect", "--format", "{{.HostConfig.CapDrop}}", container)
                            .ok()
                            .output())
                    .contains("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_NET_RAW", "CAP_SETUID", "CAP_SYS_CHROOT");
            // the environment from the Secrets (admin's password: the pushes below log in with it)
            // and the token key from its Secret volume, not one Berth generated in /data
            String log = w.podman.run("logs", container).stdout();
            assertThat(log).doesNotContain("event=token_key_generated");

            String registry = "127.0.0.1:" + port;
            w.pushAndPull(work, registry, "library/chart:one");
            // the claim is the pod's /data: the blobs are on it (a restart on a volume keeping the
            // images is ContainerImageIT's and ComposeIT's)
            assertThat(w.podman.run("volume", "exists", fullname + "-registry").exit())
                    .isZero();

        } finally {
            for (String pod : w.podman
                    .run("pod", "ps", "--filter", "name=^" + fullname, "--format", "{{.Name}}")
                    .output()
                    .lines()
                    .toList()) {
                w.podman.run("pod", "rm", "-f", "-t", "30", pod);
            }
            for (String name : cleanup) {
                w.podman.run("secret", "rm", name);
            }
            w.podman.run("volume", "rm", "-f", fullname + "-registry");
            database.drop().run();
        }
    }

    @Test
    void twoReplicasOnS3AndOneDatabaseShareTheTokenKeyAndServeEachOthersPushes() throws Exception {
        String release = "it" + UUID.randomUUID().toString().substring(0, 6);
        String fullname = release + "-berth";
        Workloads.Database database = w.database(work);
        Path s3Dir = work.resolve("s3");
        String bucket = "berth-" + release;
        Files.createDirectories(s3Dir.resolve(bucket)); // a directory is a bucket of s3proxy's filesystem store
        S3Proxy s3 = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(s3Dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "deploy-access", "deploy-secret-0123456789")
                .build();
        s3.start();
        while (!s3.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        int portA = Workloads.freePort();
        int portB = Workloads.freePort();
        try {
            List<Map<String, Object>> objects = render(release, """
                    externalURL: http://127.0.0.1:%1$d
                    expose:
                      type: clusterIP
                      tls:
                        enabled: false
                    harborAdminPassword: %2$s
                    persistence:
                      imageChartStorage:
                        type: s3
                        s3:
                          regionendpoint: http://127.0.0.1:%10$d
                          bucket: %11$s
                          accesskey: deploy-access
                          secretkey: deploy-secret-0123456789
                    database:
                      type: external
                      external:
                        host: %6$s
                        port: "%7$d"
                        username: %8$s
                        password: %9$s
                        coreDatabase: %3$s
                        sslmode: disable
                    berth:
                      replicas: 2
                      image:
                        repository: %4$s
                        tag: %5$s
                      javaOpts: "-Xmx384m -XX:TieredStopAtLevel=1"
                      extraEnvVars:
                        - name: SERVER_PORT
                          value: "%1$d"
                        - name: SERVER_ADDRESS
                          value: 127.0.0.1
                    """.formatted(
                            portA,
                            Workloads.ADMIN_PASSWORD,
                            database.name(),
                            repository(),
                            tag(),
                            database.host(),
                            database.port(),
                            database.user(),
                            database.password(),
                            s3.getPort(),
                            bucket));
            Map<String, Object> deployment = only(objects, "Deployment");
            assertEquals(2, at(deployment, "spec.replicas"));
            assertThat(kinds(objects)).doesNotContainKey("PersistentVolumeClaim");
            // On the host's network two replicas of one Deployment would want one port: replica B is
            // the same Deployment under another name, with another SERVER_PORT and the same Secrets.
            Map<String, Object> replicaB = deepCopy(deployment);
            map(replicaB, "metadata").put("name", fullname + "-b");
            for (Map<String, Object> env : list(replicaB, "spec.template.spec.containers[0].env")) {
                if ("SERVER_PORT".equals(env.get("name"))) {
                    env.put("value", Integer.toString(portB));
                }
            }
            List<Map<String, Object>> one = new ArrayList<>(objects);
            List<Map<String, Object>> other = new ArrayList<>(objects);
            other.set(other.indexOf(deployment), replicaB);
            for (List<Map<String, Object>> each : List.of(one, other)) {
                each.stream()
                        .filter(o -> "Deployment".equals(o.get("kind")))
                        .forEach(d -> map(d, "spec").put("replicas", 1));
            }
            String podA = play(one, release);
            String podB = play(other, release + "b");
            URI a = URI.create("http://127.0.0.1:" + portA);
            URI b = URI.create("http://127.0.0.1:" + portB);
            String containerA = container(podA);
            String containerB = container(podB);
            Workloads.awaitOk(a, "/readyz", () -> notRunning(containerA));
            Workloads.awaitOk(b, "/readyz", () -> notRunning(containerB));

            // a token from A is accepted by B: one key, from the one Secret
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String token = http.send(
                            java.net.http.HttpRequest.newBuilder(
                                            a.resolve("/service/token?scope=repository:library/x:pull"))
                                    .header("Authorization", Workloads.basic())
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body()
                    .replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            assertEquals(
                    200,
                    http.send(
                                    java.net.http.HttpRequest.newBuilder(b.resolve("/v2/"))
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.discarding())
                            .statusCode());

            // pushed to one, pulled from the other, the blobs in the bucket
            String fromA = w.pushAndPull(work, "127.0.0.1:" + portA, "library/replicas:a");
            w.assertPulls(work, "docker://127.0.0.1:" + portB + "/library/replicas:a", fromA);
            String fromB = w.pushAndPull(work, "127.0.0.1:" + portB, "library/replicas:b");
            w.assertPulls(work, "docker://127.0.0.1:" + portA + "/library/replicas:b", fromB);
            try (var files = Files.walk(s3Dir.resolve(bucket))) {
                assertThat(files.filter(Files::isRegularFile).count()).isGreaterThanOrEqualTo(4);
            }
        } finally {
            for (String pod : w.podman
                    .run("pod", "ps", "--filter", "name=^" + fullname, "--format", "{{.Name}}")
                    .output()
                    .lines()
                    .toList()) {
                w.podman.run("pod", "rm", "-f", "-t", "30", pod);
            }
            for (String name : cleanup) {
                w.podman.run("secret", "rm", name);
            }
            database.drop().run();
            s3.stop();
        }
    }

    /** The chart rendered with these values, as an upgrade of a release whose token key exists. */
    private List<Map<String, Object>> render(String release, String values) throws Exception {
        cluster.clear();
        Path file = work.resolve("values-" + release + ".yaml");
        Files.writeString(file, values);
        String text = new Helm(CHART)
                .template()
                .withName(release)
                .withNamespace("registry")
                .withKubeVersion("1.31.0")
                .withValuesFile(file)
                .call();
        return YamlPaths.documents(text);
    }

    /**
     * Plays what podman can of the rendered objects and returns the pod's name: Secrets as podman
     * secrets and host directories, the rest (Deployment, PersistentVolumeClaim) as rendered.
     */
    @SuppressWarnings("unchecked")
    private String play(List<Map<String, Object>> rendered, String release) throws Exception {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        List<Map<String, Object>> playable = new ArrayList<>();
        for (Map<String, Object> object : rendered) {
            String kind = (String) object.get("kind");
            if ("Secret".equals(kind)) {
                secrets.put(string(object, "metadata.name"), (Map<String, String>) object.get("data"));
            } else if (PLAYED.containsKey(kind)) {
                playable.add(deepCopy(object));
            }
        }
        for (Map.Entry<String, Map<String, String>> secret : secrets.entrySet()) {
            if (cleanup.contains(secret.getKey())) {
                continue;
            }
            Path json = work.resolve("secret-" + secret.getKey() + ".json");
            // the Secret's data (names and base64 values, nothing to escape) as JSON
            StringBuilder text = new StringBuilder("{");
            secret.getValue()
                    .forEach((k, v) -> text.append(text.length() > 1 ? "," : "")
                            .append('"')
                            .append(k)
                            .append("\":\"")
                            .append(v)
                            .append('"'));
            Files.writeString(json, text.append('}').toString());
            w.podman.run("secret", "rm", secret.getKey());
            w.podman.run("secret", "create", secret.getKey(), json.toString()).ok();
            Files.delete(json);
            cleanup.add(secret.getKey());
        }
        Map<String, Object> deployment = playable.stream()
                .filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> podSpec = map(deployment, "spec.template.spec");
        // podman 4.3 publishes containerPorts, which it refuses on the host's network
        list(podSpec, "containers").forEach(c -> c.remove("ports"));
        Object fsGroup = at(podSpec, "securityContext.fsGroup");
        for (Map<String, Object> volume : list(podSpec, "volumes")) {
            Map<String, Object> secretVolume = map(volume, "secret");
            if (secretVolume.isEmpty()) {
                continue;
            }
            Path dir = work.resolve("secret-volumes/" + release + "/" + volume.get("name"));
            Files.createDirectories(dir);
            Map<String, String> data = secrets.get((String) secretVolume.get("secretName"));
            assertThat(data).as("the Secret of volume " + volume.get("name")).isNotNull();
            List<Map<String, Object>> items = list(secretVolume, "items");
            Map<String, String> files = new LinkedHashMap<>();
            if (items.isEmpty()) {
                data.keySet().forEach(k -> files.put(k, k));
            } else {
                items.forEach(i -> files.put((String) i.get("key"), (String) i.get("path")));
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = dir.resolve(file.getValue());
                Files.write(target, Base64.getDecoder().decode(data.get(file.getKey())));
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r-----"));
                Files.setAttribute(target, "unix:gid", ((Number) fsGroup).intValue());
            }
            volume.remove("secret");
            volume.put("hostPath", new LinkedHashMap<>(Map.of("path", dir.toString(), "type", "Directory")));
        }
        Path manifests = work.resolve("play-" + release + ".yaml");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(manifests, new Yaml(options).dumpAll(playable.iterator()), StandardCharsets.UTF_8);
        w.podman.run("kube", "play", "--network", "host", manifests.toString()).ok();
        String pod = w.podman
                .run("pod", "ps", "--filter", "name=^" + string(deployment, "metadata.name"), "--format", "{{.Name}}")
                .ok()
                .output();
        assertThat(pod).as("the Deployment's pod").isNotEmpty().doesNotContain("\n");
        return pod;
    }

    private String repository() {
        return w.image.substring(0, w.image.lastIndexOf(':'));
    }

    private String tag() {
        return w.image.substring(w.image.lastIndexOf(':') + 1);
    }

    private static Map<String, Integer> kinds(List<Map<String, Object>> objects) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        objects.forEach(o -> kinds.merge((String) o.get("kind"), 1, Integer::sum));
        return kinds;
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found =
                objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> object) {
        Yaml yaml = new Yaml();
        return (Map<String, Object>) yaml.load(yaml.dump(object));
    }

    /** The pod's Berth container (kube play names it after the pod and the container). */
    private static String container(String pod) {
        String name = w.podman
                .run("ps", "-a", "--filter", "pod=" + pod, "--format", "{{.Names}}")
                .ok()
                .output()
                .lines()
                .filter(n -> n.endsWith("-berth"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no berth container in pod " + pod));
        return name;
    }

    private static String notRunning(String container) {
        Podman.Result state = w.podman.run("inspect", "--format", "{{.State.Status}}", container);
        if ("running".equals(state.output())) {
            return null;
        }
        Podman.Result logs = w.podman.run("logs", "--tail", "60", container);
        return container + " is " + state.output() + state.stderr() + ":\n" + logs.stdout() + logs.stderr();
    }
}
