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

    /**
     * The chart's default database (database.type internal): its StatefulSet played as the pod the
     * StatefulSet controller makes ({@code <name>-0}, with the claim of its volumeClaimTemplate),
     * the Berth Deployment as rendered otherwise. The image is the PostgreSQL stand-in (as in
     * ComposeIT) run as the chart says (uid 999, read-only root, emptyDirs). Two things the
     * cluster would do, the test does: the Service (its name and port 5432) becomes 127.0.0.1 and a
     * free port, since 5432 on the host's network may be the machine's PostgreSQL; and Berth's
     * init container, which waits with {@code pg_isready -h <service>} (the stand-in cannot ask
     * over the network), is replaced by the test waiting for the database pod's readiness probe.
     */
    @Test
    void internalDatabaseRunsAsItsOwnPodAndBerthStoresInIt() throws Exception {
        String release = "it" + UUID.randomUUID().toString().substring(0, 6);
        String fullname = release + "-berth";
        String databaseName = fullname + "-database";
        String postgres = w.postgresImage(work);
        int port = Workloads.freePort();
        int databasePort = Workloads.freePort();
        try {
            List<Map<String, Object>> objects = render(release, """
                    externalURL: http://127.0.0.1:%1$d
                    expose:
                      type: clusterIP
                      tls:
                        enabled: false
                    harborAdminPassword: %2$s
                    database:
                      type: internal
                      internal:
                        image:
                          repository: %3$s
                          tag: %4$s
                    berth:
                      image:
                        repository: %5$s
                        tag: %6$s
                      javaOpts: "-Xmx384m -XX:TieredStopAtLevel=1"
                      extraEnvVars:
                        - name: SERVER_PORT
                          value: "%1$d"
                        - name: SERVER_ADDRESS
                          value: 127.0.0.1
                    """.formatted(
                            port,
                            Workloads.ADMIN_PASSWORD,
                            postgres.substring(0, postgres.lastIndexOf(':')),
                            postgres.substring(postgres.lastIndexOf(':') + 1),
                            repository(),
                            tag()));
            assertThat(kinds(objects))
                    .containsEntry("StatefulSet", 1)
                    .containsEntry("Deployment", 1)
                    .containsEntry("Service", 2);
            Map<String, Object> statefulSet = only(objects, "StatefulSet");
            assertEquals(databaseName, string(statefulSet, "metadata.name"));

            // the database: the StatefulSet's pod and claim, its Secret's password, on a free port
            Map<String, Map<String, String>> secrets = secrets(objects);
            Map<String, Object> template = deepCopy(map(statefulSet, "spec.template"));
            Map<String, Object> podSpec = map(template, "spec");
            Map<String, Object> claimTemplate =
                    list(statefulSet, "spec.volumeClaimTemplates").getFirst();
            String claim = string(claimTemplate, "metadata.name") + "-" + databaseName + "-0";
            list(podSpec, "volumes")
                    .add(new LinkedHashMap<>(Map.of(
                            "name",
                            string(claimTemplate, "metadata.name"),
                            "persistentVolumeClaim",
                            new LinkedHashMap<>(Map.of("claimName", claim)))));
            Map<String, Object> postgresContainer = list(podSpec, "containers").getFirst();
            list(postgresContainer, "env")
                    .add(new LinkedHashMap<>(Map.of("name", "PGPORT", "value", Integer.toString(databasePort))));
            secretVolumes(podSpec, secrets, release + "-database");
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            pod.put(
                    "metadata",
                    new LinkedHashMap<>(
                            Map.of("name", databaseName + "-0", "labels", map(template, "metadata.labels"))));
            pod.put("spec", podSpec);
            Map<String, Object> pvc = new LinkedHashMap<>();
            pvc.put("apiVersion", "v1");
            pvc.put("kind", "PersistentVolumeClaim");
            pvc.put("metadata", new LinkedHashMap<>(Map.of("name", claim)));
            pvc.put("spec", deepCopy(map(claimTemplate, "spec")));
            // (podman does not apply the pod's fsGroup to the claim's new volume, as Kubernetes
            // does; it copies the image's /var/lib/postgresql/data, mode 1777 as in the official
            // image, onto it: uid 999 can make PGDATA there either way)
            kubePlay(List.of(pvc, pod), release + "-database");
            String databaseContainer = databaseName + "-0-postgres";
            // ready as the kubelet decides it: the readiness probe's command, in the container
            List<String> probe = ((List<?>) at(postgresContainer, "readinessProbe.exec.command"))
                    .stream().map(String::valueOf).toList();
            awaitReady(databaseContainer, probe);
            assertEquals(
                    "999:999 true",
                    w.podman
                            .run(
                                    "inspect",
                                    "--format",
                                    "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}",
                                    databaseContainer)
                            .ok()
                            .output());

            // Berth: its Deployment as rendered, the Service's address given, the wait done above
            Map<String, Object> deployment = only(objects, "Deployment");
            Map<String, Object> berthSpec = map(deployment, "spec.template.spec");
            assertThat(list(berthSpec, "initContainers")).hasSize(1);
            berthSpec.remove("initContainers");
            boolean rewritten = false;
            for (Map<String, Object> env : list(berthSpec, "containers[0].env")) {
                if (env.get("value") instanceof String v && v.contains("//" + databaseName + ":5432/")) {
                    env.put("value", v.replace("//" + databaseName + ":5432/", "//127.0.0.1:" + databasePort + "/"));
                    rewritten = true;
                }
            }
            assertThat(rewritten).as("Berth's database URL names the Service").isTrue();
            String berthPod = play(objects, release);
            String container = container(berthPod);
            URI base = URI.create("http://127.0.0.1:" + port);
            Workloads.awaitOk(
                    base,
                    string(deployment, "spec.template.spec.containers[0].readinessProbe.httpGet.path"),
                    () -> notRunning(container));
            String registry = "127.0.0.1:" + port;
            String digest = w.pushAndPull(work, registry, "library/internal-db:one");

            // the data is the database pod's: Berth's pod replaced, the image is still there
            w.podman.run("pod", "rm", "-f", "-t", "30", berthPod).ok();
            String again = container(play(
                    objects.stream()
                            .filter(o -> !"PersistentVolumeClaim".equals(o.get("kind"))) // it stays
                            .toList(),
                    release + "-again"));
            Workloads.awaitOk(base, "/v2/", () -> notRunning(again));
            w.assertPulls(work, "docker://" + registry + "/library/internal-db:one", digest);
            assertEquals(0, w.podman.run("volume", "exists", claim).exit(), "the database's claim");
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
            w.podman.run("volume", "rm", "-f", "database-data-" + databaseName + "-0");
        }
    }

    /** Waits until {@code command} succeeds in the container, as a readiness probe's exec does. */
    private static void awaitReady(String container, List<String> command) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plus(java.time.Duration.ofMinutes(4));
        List<String> exec = new ArrayList<>(List.of("exec", container));
        exec.addAll(command);
        while (w.podman.run(exec).exit() != 0) {
            String dead = notRunning(container);
            if (dead != null) {
                throw new AssertionError(dead);
            }
            assertThat(java.time.Instant.now()).as(container + " ready").isBefore(deadline);
            Thread.sleep(500);
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
        // the Service: a round-robin TCP proxy on this port to the replicas (externalURL names it)
        int servicePort = Workloads.freePort();
        RoundRobinProxy service = null;
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
                          value: "0"
                        - name: SERVER_ADDRESS
                          value: 127.0.0.1
                    """.formatted(
                            servicePort,
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
            // The Deployment played as rendered: podman 4.3 makes its two replicas two pods
            // (<name>-pod-0 and -1). On the host's network both cannot have one port: SERVER_PORT 0
            // lets each take a free one (the same pod template for both, as in a cluster), read
            // from its log; the Service in front of them is the test's proxy.
            playObjects(objects, release);
            List<String> replicas = new ArrayList<>();
            List<URI> bases = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String container = fullname + "-pod-" + i + "-berth";
                replicas.add(container);
                int port = listeningPort(container);
                bases.add(URI.create("http://127.0.0.1:" + port));
                Workloads.awaitOk(
                        bases.getLast(),
                        string(deployment, "spec.template.spec.containers[0].readinessProbe.httpGet.path"),
                        () -> notRunning(container));
            }
            service = RoundRobinProxy.start(
                    servicePort, bases.stream().map(URI::getPort).toList());
            URI a = bases.get(0);
            URI b = bases.get(1);
            int portA = a.getPort();
            int portB = b.getPort();
            assertThat(portA).isNotEqualTo(portB);

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

            // pushed to one, pulled from the other, the blobs in the bucket; and through the Service,
            // whose connections alternate between the replicas
            String fromA = w.pushAndPull(work, "127.0.0.1:" + portA, "library/replicas:a");
            w.assertPulls(work, "docker://127.0.0.1:" + portB + "/library/replicas:a", fromA);
            String fromB = w.pushAndPull(work, "127.0.0.1:" + portB, "library/replicas:b");
            w.assertPulls(work, "docker://127.0.0.1:" + portA + "/library/replicas:b", fromB);
            w.pushAndPull(work, "127.0.0.1:" + servicePort, "library/replicas:service");
            assertThat(service.connections()).allMatch(n -> n > 0, "both replicas served through the Service");
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
            if (service != null) {
                service.close();
            }
            database.drop().run();
            s3.stop();
        }
    }

    /** The port a Berth container listens on, from Spring Boot's "Tomcat started on port N" line. */
    private static int listeningPort(String container) throws Exception {
        java.util.regex.Pattern started = java.util.regex.Pattern.compile("Tomcat started on port (\\d+)");
        java.time.Instant deadline = java.time.Instant.now().plus(java.time.Duration.ofMinutes(4));
        while (true) {
            Podman.Result logs = w.podman.run("logs", container);
            java.util.regex.Matcher m = started.matcher(logs.stdout() + logs.stderr());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            String dead = notRunning(container);
            if (dead != null) {
                throw new AssertionError(dead);
            }
            assertThat(java.time.Instant.now()).as(container + " listening").isBefore(deadline);
            Thread.sleep(500);
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
    private String play(List<Map<String, Object>> rendered, String release) throws Exception {
        Map<String, Object> deployment = playObjects(rendered, release);
        String pod = w.podman
                .run(
                        "pod",
                        "ps",
                        "--filter",
                        "name=^" + string(deployment, "metadata.name") + "-pod(-0)?$",
                        "--format",
                        "{{.Name}}")
                .ok()
                .output();
        assertThat(pod).as("the Deployment's pod").isNotEmpty().doesNotContain("\n");
        return pod;
    }

    /**
     * Plays what podman can of the rendered objects (Deployment, PersistentVolumeClaim, ConfigMap)
     * with the Secrets translated; returns the Deployment as played.
     */
    private Map<String, Object> playObjects(List<Map<String, Object>> rendered, String release) throws Exception {
        Map<String, Map<String, String>> secrets = secrets(rendered);
        List<Map<String, Object>> playable = new ArrayList<>();
        for (Map<String, Object> object : rendered) {
            String kind = (String) object.get("kind");
            if (PLAYED.containsKey(kind) && !"Secret".equals(kind)) {
                playable.add(deepCopy(object));
            }
        }
        Map<String, Object> deployment = playable.stream()
                .filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        secretVolumes(map(deployment, "spec.template.spec"), secrets, release);
        kubePlay(playable, release);
        return deployment;
    }

    /** Each rendered Secret as a podman secret holding its data (for secretKeyRef); returns their data. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, String>> secrets(List<Map<String, Object>> rendered) throws Exception {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        for (Map<String, Object> object : rendered) {
            if ("Secret".equals(object.get("kind"))) {
                secrets.put(string(object, "metadata.name"), (Map<String, String>) object.get("data"));
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
        return secrets;
    }

    /**
     * The pod spec's Secret volumes as read-only host directories with the Secret's items as the
     * kubelet writes them (kube play cannot mount Secrets), and its containers without ports.
     */
    private void secretVolumes(Map<String, Object> podSpec, Map<String, Map<String, String>> secrets, String release)
            throws Exception {
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
    }

    private void kubePlay(List<Map<String, Object>> objects, String name) throws Exception {
        Path manifests = work.resolve("play-" + name + ".yaml");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(manifests, new Yaml(options).dumpAll(objects.iterator()), StandardCharsets.UTF_8);
        w.podman.run("kube", "play", "--network", "host", manifests.toString()).ok();
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
