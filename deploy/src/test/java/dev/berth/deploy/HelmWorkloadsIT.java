package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.marcnuri.helm.Helm;
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
 * readiness probe: the test asks the probe's path itself. On the host's network the pod listens
 * on a free port of 127.0.0.1, given by {@code berth.extraEnvVars} ({@code SERVER_PORT}).
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
            String container = pod + "-berth";
            // ready: the readiness probe's path answers as the kubelet would ask it
            Workloads.awaitOk(base, string(readiness, "httpGet.path"), () -> notRunning(container));
            assertEquals(200, Workloads.status(base.resolve(string(readiness, "httpGet.path"))));
            assertEquals(200, Workloads.status(base.resolve(string(liveness, "httpGet.path"))));

            // the rendered security context: uid 10000, read-only root, no capabilities
            assertEquals(
                    "10000:10000 true",
                    w.podman.run(
                                    "inspect",
                                    "--format",
                                    "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}",
                                    container)
                            .ok()
                            .output());
            assertThat(w.podman.run("inspect", "--format", "{{.EffectiveCaps}}", container).ok().output())
                    .isEqualTo("[]");
            // the environment from the Secrets (admin's password: the pushes below log in with it)
            // and the token key from its Secret volume, not one Berth generated in /data
            String log = w.podman.run("logs", container).stdout();
            assertThat(log).doesNotContain("event=token_key_generated");

            String registry = "127.0.0.1:" + port;
            String digest = w.pushAndPull(work, registry, "library/chart:one");

            // a new pod on the same claim (a rollout of the Recreate strategy) serves it again
            w.podman.run("pod", "rm", "-f", "-t", "60", pod).ok();
            String again = play(objects, release);
            Workloads.awaitOk(base, string(readiness, "httpGet.path"), () -> notRunning(again + "-berth"));
            w.assertPulls(work, "docker://" + registry + "/library/chart:one", digest);
        } finally {
            w.podman.run("pod", "rm", "-f", "-t", "30", fullname + "-pod");
            for (String name : cleanup) {
                w.podman.run("secret", "rm", name);
            }
            w.podman.run("volume", "rm", "-f", fullname + "-registry");
            database.drop().run();
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
            secret.getValue().forEach((k, v) -> text.append(text.length() > 1 ? "," : "")
                    .append('"').append(k).append("\":\"").append(v).append('"'));
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
        return string(deployment, "metadata.name") + "-pod";
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

    private static String notRunning(String container) {
        Podman.Result state = w.podman.run("inspect", "--format", "{{.State.Status}}", container);
        if ("running".equals(state.output())) {
            return null;
        }
        Podman.Result logs = w.podman.run("logs", "--tail", "60", container);
        return container + " is " + state.output() + state.stderr() + ":\n" + logs.stdout() + logs.stderr();
    }

}
