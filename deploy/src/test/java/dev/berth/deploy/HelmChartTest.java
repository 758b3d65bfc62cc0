package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/helm/berth rendered by Helm itself (helm-java embeds Helm 3) with the values a user
 * would give, and the rendered Kubernetes objects read back and checked: what the pod is told
 * (environment, secrets, volumes, probes, security context), how it is exposed, what exists for
 * each storage, database and Redis choice, and the messages for values that cannot work.
 */
class HelmChartTest {
    private static final Path CHART =
            Path.of(System.getProperty("berth.deploy.dir", ".")).resolve("helm/berth");
    private static final String RELEASE = "reg";
    private static final String FULLNAME = "reg-berth";

    private static FakeKubernetesApi cluster;
    private static String installedTokenKey;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = FakeKubernetesApi.start(Path.of(System.getProperty("berth.kubeconfig", "target/kubeconfig")));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        installedTokenKey = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * Most tests render as an upgrade of an installed release, whose token key exists: Helm's
     * 4096-bit RSA generation costs seconds per rendering. Tests of generation clear it first.
     */
    @BeforeEach
    void installedRelease() {
        cluster.putSecret("registry", FULLNAME + "-core", Map.of("tls.key", installedTokenKey));
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void everyRequestWasUnderstood() {
        assertThat(cluster.unexpected()).isEmpty();
        cluster.clear();
    }

    /** The objects of one rendering, by kind and name. */
    record Rendered(String text, List<Map<String, Object>> objects) {
        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> get(String kind, String name) {
            return ofKind(kind).stream()
                    .filter(o -> name.equals(string(o, "metadata.name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
        }

        boolean has(String kind, String name) {
            return ofKind(kind).stream().anyMatch(o -> name.equals(string(o, "metadata.name")));
        }

        List<String> names() {
            return objects.stream()
                    .map(o -> o.get("kind") + "/" + string(o, "metadata.name"))
                    .toList();
        }

        Map<String, Object> deployment() {
            return get("Deployment", FULLNAME);
        }

        Map<String, Object> container() {
            return map(deployment(), "spec.template.spec.containers[0]");
        }

        /** The Berth container's environment: name → the entry ({@code value} or {@code valueFrom}). */
        Map<String, Map<String, Object>> env() {
            Map<String, Map<String, Object>> env = new LinkedHashMap<>();
            for (Map<String, Object> entry : list(container(), "env")) {
                env.put((String) entry.get("name"), entry);
            }
            return env;
        }

        String envValue(String name) {
            Map<String, Object> entry = env().get(name);
            return entry == null ? null : string(entry, "value");
        }

        /** "secret/key" of a variable taken from a Secret. */
        String envSecret(String name) {
            Map<String, Object> entry = env().get(name);
            assertThat(entry).as(name).isNotNull();
            Map<String, Object> ref = map(entry, "valueFrom.secretKeyRef");
            assertThat(ref).as(name + " comes from a Secret").isNotEmpty();
            assertNull(entry.get("value"), name + " has no plain value");
            return ref.get("name") + "/" + ref.get("key");
        }

        Map<String, Object> volume(String name) {
            return list(deployment(), "spec.template.spec.volumes").stream()
                    .filter(v -> name.equals(v.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + name));
        }

        String secretData(String secret, String key) {
            Object encoded = map(get("Secret", secret), "data").get(key);
            return encoded == null
                    ? null
                    : new String(Base64.getDecoder().decode(encoded.toString()), StandardCharsets.UTF_8);
        }
    }

    private Rendered render(String valuesYaml) throws Exception {
        Path values = Files.createTempFile(tmp, "values-", ".yaml");
        Files.writeString(values, valuesYaml);
        String text = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace("registry")
                .withKubeVersion("1.31.0")
                .withValuesFile(values)
                .call();
        return new Rendered(text, YamlPaths.documents(text));
    }

    private void assertRenderFails(String valuesYaml, String... messageParts) {
        assertThatThrownBy(() -> render(valuesYaml))
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    @Test
    void chartLintsCleanInStrictMode() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void defaultsAreAnIngressWithAGeneratedCertificateFilesystemStorageAndAnInternalDatabase() throws Exception {
        cluster.clear(); // a first install: everything generated
        Rendered r = render("externalURL: https://registry.example.com\n"
                + "expose:\n  ingress:\n    hosts:\n      core: registry.example.com\n");

        assertThat(r.names())
                .containsExactlyInAnyOrder(
                        "Secret/" + FULLNAME + "-core",
                        "Secret/" + FULLNAME + "-database",
                        "Secret/" + FULLNAME + "-tls",
                        "PersistentVolumeClaim/" + FULLNAME + "-registry",
                        "Service/" + FULLNAME,
                        "Service/" + FULLNAME + "-database",
                        "Deployment/" + FULLNAME,
                        "StatefulSet/" + FULLNAME + "-database",
                        "Ingress/" + FULLNAME);

        // the pod: environment
        assertEquals("https://registry.example.com", r.envValue("BERTH_EXTERNAL_URL"));
        assertEquals("/data", r.envValue("BERTH_DATA_DIR"));
        assertEquals("filesystem", r.envValue("BERTH_STORAGE_TYPE"));
        assertEquals("jdbc:postgresql://" + FULLNAME + "-database:5432/registry", r.envValue("SPRING_DATASOURCE_URL"));
        assertEquals("postgres", r.envValue("SPRING_DATASOURCE_USERNAME"));
        assertEquals(FULLNAME + "-database/password", r.envSecret("SPRING_DATASOURCE_PASSWORD"));
        assertEquals(FULLNAME + "-core/HARBOR_ADMIN_PASSWORD", r.envSecret("BERTH_ADMIN_PASSWORD"));
        assertEquals("Harbor12345", r.secretData(FULLNAME + "-core", "HARBOR_ADMIN_PASSWORD"));
        assertEquals("/etc/berth/token/token.pem", r.envValue("BERTH_TOKEN_PRIVATE_KEY_FILE"));
        assertEquals("false", r.envValue("BERTH_METRICS_ENABLED"));
        assertThat(r.env())
                .doesNotContainKeys(
                        "BERTH_REDIS_URL", "BERTH_TLS_CERTIFICATE", "BERTH_STORAGE_S3_BUCKET", "BERTH_GC_UPLOAD_GRACE");
        // behind the ingress, its pods' private networks name the client (login throttling)
        assertEquals(
                "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7",
                r.envValue("BERTH_HTTP_TRUSTED_PROXIES"));

        // the token key every replica signs with: one generated RSA key in a Secret, mounted as a file
        assertThat(r.secretData(FULLNAME + "-core", "tls.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Map<String, Object> tokenVolume = r.volume("token-key");
        assertEquals(FULLNAME + "-core", string(tokenVolume, "secret.secretName"));
        assertEquals("tls.key", string(tokenVolume, "secret.items[0].key"));
        assertEquals("token.pem", string(tokenVolume, "secret.items[0].path"));
        assertThat(mounts(r)).containsEntry("token-key", "/etc/berth/token").containsEntry("data", "/data");

        // the database password is generated, and the database gets it from the same Secret
        assertThat(r.secretData(FULLNAME + "-database", "password")).hasSize(32);
        Map<String, Object> db = r.get("StatefulSet", FULLNAME + "-database");
        assertEquals("postgres:17", string(db, "spec.template.spec.containers[0].image"));
        assertEquals("database-data", string(db, "spec.volumeClaimTemplates[0].metadata.name"));
        assertEquals("1Gi", string(db, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"));
        assertEquals("wait-for-database", string(r.deployment(), "spec.template.spec.initContainers[0].name"));
        assertThat(at(r.deployment(), "spec.template.spec.initContainers[0].command")
                        .toString())
                .contains("pg_isready", "-h " + FULLNAME + "-database -p 5432 -U postgres");

        // storage: a ReadWriteOnce claim that outlives the release, so the update strategy is Recreate
        Map<String, Object> pvc = r.get("PersistentVolumeClaim", FULLNAME + "-registry");
        assertEquals("ReadWriteOnce", string(pvc, "spec.accessModes[0]"));
        assertEquals("5Gi", string(pvc, "spec.resources.requests.storage"));
        assertEquals("keep", map(pvc, "metadata.annotations").get("helm.sh/resource-policy"));
        assertEquals(FULLNAME + "-registry", string(r.volume("data"), "persistentVolumeClaim.claimName"));
        assertEquals("Recreate", string(r.deployment(), "spec.strategy.type"));
        assertEquals("1", string(r.deployment(), "spec.replicas"));

        // exposure: TLS ends at the ingress with the generated certificate for the host
        Map<String, Object> ingress = r.get("Ingress", FULLNAME);
        assertEquals(FULLNAME + "-tls", string(ingress, "spec.tls[0].secretName"));
        assertEquals("registry.example.com", string(ingress, "spec.tls[0].hosts[0]"));
        assertEquals("registry.example.com", string(ingress, "spec.rules[0].host"));
        assertEquals(FULLNAME, string(ingress, "spec.rules[0].http.paths[0].backend.service.name"));
        assertEquals("0", map(ingress, "metadata.annotations").get("nginx.ingress.kubernetes.io/proxy-body-size"));
        X509Certificate certificate = certificate(r.secretData(FULLNAME + "-tls", "tls.crt"));
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=registry.example.com");
        assertThat(certificate.getSubjectAlternativeNames())
                .anySatisfy(san -> assertEquals("registry.example.com", san.get(1)));
        X509Certificate ca = certificate(r.secretData(FULLNAME + "-tls", "ca.crt"));
        certificate.verify(ca.getPublicKey());
        Map<String, Object> service = r.get("Service", FULLNAME);
        assertEquals("ClusterIP", string(service, "spec.type"));
        assertEquals("80", string(service, "spec.ports[0].port"));
        assertEquals("http", string(service, "spec.ports[0].targetPort"));
        assertThat(r.env()).doesNotContainKey("BERTH_TLS_CERTIFICATE"); // Berth itself speaks HTTP here

        // probes on the application port, over HTTP
        assertEquals("/livez", string(r.container(), "livenessProbe.httpGet.path"));
        assertEquals("/readyz", string(r.container(), "readinessProbe.httpGet.path"));
        assertEquals("/readyz", string(r.container(), "startupProbe.httpGet.path"));
        assertEquals("120", string(r.container(), "startupProbe.failureThreshold"));
        assertEquals("HTTP", string(r.container(), "readinessProbe.httpGet.scheme"));
        assertEquals("http", string(r.container(), "livenessProbe.httpGet.port"));
        assertEquals("8080", string(r.container(), "ports[0].containerPort"));
    }

    @Test
    void anUpgradeKeepsTheGeneratedTokenKeyDatabasePasswordAndCertificate() throws Exception {
        cluster.clear();
        String values = "expose:\n  type: loadBalancer\n  tls:\n    auto:\n      commonName: berth.internal\n";
        Rendered first = render(values);
        Rendered second = render(values);
        // nothing in the cluster yet: each rendering generates anew
        assertThat(second.secretData(FULLNAME + "-core", "tls.key"))
                .isNotEqualTo(first.secretData(FULLNAME + "-core", "tls.key"));

        cluster.putSecret(
                "registry", FULLNAME + "-core", Map.of("tls.key", first.secretData(FULLNAME + "-core", "tls.key")));
        cluster.putSecret(
                "registry",
                FULLNAME + "-database",
                Map.of("password", first.secretData(FULLNAME + "-database", "password")));
        cluster.putSecret(
                "registry",
                FULLNAME + "-tls",
                Map.of(
                        "tls.crt", first.secretData(FULLNAME + "-tls", "tls.crt"),
                        "tls.key", first.secretData(FULLNAME + "-tls", "tls.key"),
                        "ca.crt", first.secretData(FULLNAME + "-tls", "ca.crt"),
                        "commonName", "berth.internal"));
        Rendered upgrade = render(values.replace("loadBalancer", "nodePort") + "harborAdminPassword: Changed-2026\n");
        for (String[] secretKey : new String[][] {
            {FULLNAME + "-core", "tls.key"},
            {FULLNAME + "-database", "password"},
            {FULLNAME + "-tls", "tls.crt"},
            {FULLNAME + "-tls", "tls.key"},
            {FULLNAME + "-tls", "ca.crt"}
        }) {
            assertEquals(first.secretData(secretKey[0], secretKey[1]), upgrade.secretData(secretKey[0], secretKey[1]));
        }
        // what the user sets is taken from the values, not from the cluster
        assertEquals("Changed-2026", upgrade.secretData(FULLNAME + "-core", "HARBOR_ADMIN_PASSWORD"));

        // a new name gets a new certificate
        Rendered renamed = render(values.replace("berth.internal", "registry.internal"));
        assertThat(renamed.secretData(FULLNAME + "-tls", "tls.crt"))
                .isNotEqualTo(first.secretData(FULLNAME + "-tls", "tls.crt"));
        assertThat(certificate(renamed.secretData(FULLNAME + "-tls", "tls.crt"))
                        .getSubjectX500Principal()
                        .getName())
                .contains("CN=registry.internal");
    }

    @Test
    void trustedProxiesAreTheGivenNetworksOrNone() throws Exception {
        assertEquals(
                "10.1.0.0/16,192.0.2.1",
                render("berth:\n  trustedProxies: [10.1.0.0/16, 192.0.2.1]\n").envValue("BERTH_HTTP_TRUSTED_PROXIES"));
        assertEquals("", render("berth:\n  trustedProxies: []\n").envValue("BERTH_HTTP_TRUSTED_PROXIES"));
    }

    @Test
    void theBerthPodRunsAsUser10000WithAReadOnlyRootAndNoCapabilities() throws Exception {
        Rendered r = render("");
        Map<String, Object> pod = map(r.deployment(), "spec.template.spec.securityContext");
        assertEquals(true, pod.get("runAsNonRoot"));
        assertEquals(10000, pod.get("runAsUser"));
        assertEquals(10000, pod.get("fsGroup"));
        assertEquals("RuntimeDefault", string(pod, "seccompProfile.type"));
        Map<String, Object> container = map(r.container(), "securityContext");
        assertEquals(true, container.get("readOnlyRootFilesystem"));
        assertEquals(false, container.get("allowPrivilegeEscalation"));
        assertEquals(true, container.get("runAsNonRoot"));
        assertEquals(List.of("ALL"), at(container, "capabilities.drop"));
        assertEquals("RuntimeDefault", string(container, "seccompProfile.type"));
        // the only writable places: /tmp and /data
        assertThat(at(r.volume("tmp"), "emptyDir")).isNotNull();
        assertThat(mounts(r)).containsEntry("tmp", "/tmp");
        assertEquals(false, at(r.deployment(), "spec.template.spec.automountServiceAccountToken"));
    }

    @ParameterizedTest(name = "{0}, tls {1}")
    @CsvSource({
        "clusterIP, true, ClusterIP, 443",
        "clusterIP, false, ClusterIP, 80",
        "nodePort, true, NodePort, 443",
        "nodePort, false, NodePort, 80",
        "loadBalancer, true, LoadBalancer, 443",
        "loadBalancer, false, LoadBalancer, 80"
    })
    void withoutAnIngressTheServiceIsExposedAndBerthServesHttpsItself(
            String type, boolean tls, String serviceType, int port) throws Exception {
        Rendered r = render("expose:\n  type: " + type + "\n  tls:\n    enabled: " + tls + "\n"
                + "    auto:\n      commonName: berth.internal\n"
                + "  loadBalancer:\n    IP: 10.0.0.7\n    sourceRanges: [10.0.0.0/8]\n");
        assertThat(r.ofKind("Ingress")).isEmpty();
        Map<String, Object> service = r.get("Service", "berth");
        assertEquals(serviceType, string(service, "spec.type"));
        assertEquals(Integer.toString(port), string(service, "spec.ports[0].port"));
        assertEquals(tls ? "https" : "http", string(service, "spec.ports[0].name"));
        assertEquals("http", string(service, "spec.ports[0].targetPort"));
        assertEquals(
                Map.of(
                        "app.kubernetes.io/name", "berth",
                        "app.kubernetes.io/instance", RELEASE,
                        "app.kubernetes.io/component", "core"),
                map(service, "spec.selector"));
        assertEquals(map(r.deployment(), "spec.selector.matchLabels"), map(service, "spec.selector"));
        if (type.equals("nodePort")) {
            assertEquals(tls ? "30003" : "30002", string(service, "spec.ports[0].nodePort"));
        }
        if (type.equals("loadBalancer")) {
            assertEquals("10.0.0.7", string(service, "spec.loadBalancerIP"));
            assertEquals(List.of("10.0.0.0/8"), at(service, "spec.loadBalancerSourceRanges"));
        }
        String scheme = tls ? "HTTPS" : "HTTP";
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertEquals(scheme, string(r.container(), probe + ".httpGet.scheme"), probe);
        }
        // reached directly: no proxy may name the client
        assertEquals("", r.envValue("BERTH_HTTP_TRUSTED_PROXIES"));
        if (tls) {
            assertEquals("/etc/berth/tls/tls.crt", r.envValue("BERTH_TLS_CERTIFICATE"));
            assertEquals("/etc/berth/tls/tls.key", r.envValue("BERTH_TLS_PRIVATE_KEY"));
            assertEquals(FULLNAME + "-tls", string(r.volume("tls"), "secret.secretName"));
            assertThat(mounts(r)).containsEntry("tls", "/etc/berth/tls");
            X509Certificate certificate = certificate(r.secretData(FULLNAME + "-tls", "tls.crt"));
            assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=berth.internal");
        } else {
            assertThat(r.env()).doesNotContainKeys("BERTH_TLS_CERTIFICATE", "BERTH_TLS_PRIVATE_KEY");
            assertThat(r.has("Secret", FULLNAME + "-tls")).isFalse();
            assertThat(mounts(r)).doesNotContainKey("tls");
        }
    }

    @Test
    void ingressTakesTheUsersCertificateSecretOrNoneAndItsClassAndAnnotations() throws Exception {
        Rendered own = render("expose:\n  tls:\n    certSource: secret\n    secret:\n      secretName: my-cert\n"
                + "  ingress:\n    className: nginx\n    annotations:\n      cert-manager.io/cluster-issuer: le\n");
        Map<String, Object> ingress = own.get("Ingress", FULLNAME);
        assertEquals("my-cert", string(ingress, "spec.tls[0].secretName"));
        assertEquals("nginx", string(ingress, "spec.ingressClassName"));
        assertThat(map(ingress, "metadata.annotations"))
                .containsEntry("cert-manager.io/cluster-issuer", "le")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "0");
        assertThat(own.has("Secret", FULLNAME + "-tls")).isFalse();

        Rendered none = render("expose:\n  tls:\n    certSource: none\n");
        assertNull(at(none.get("Ingress", FULLNAME), "spec.tls"));
        assertThat(none.has("Secret", FULLNAME + "-tls")).isFalse();

        Rendered plain = render("expose:\n  tls:\n    enabled: false\n");
        assertNull(at(plain.get("Ingress", FULLNAME), "spec.tls"));
    }

    @ParameterizedTest(name = "storage {0}, database {1}, redis {2}")
    @CsvSource({
        "filesystem, internal, none",
        "filesystem, internal, internal",
        "filesystem, internal, external",
        "filesystem, external, none",
        "filesystem, external, internal",
        "filesystem, external, external",
        "s3, internal, none",
        "s3, internal, internal",
        "s3, internal, external",
        "s3, external, none",
        "s3, external, internal",
        "s3, external, external"
    })
    void eachStorageDatabaseAndRedisChoiceRendersWhatItNeedsAndNothingElse(
            String storage, String database, String redis) throws Exception {
        Rendered r = render("persistence:\n  imageChartStorage:\n    type: " + storage + "\n"
                + "    s3:\n      region: eu-west-1\n      bucket: blobs\n      accesskey: AKIA1\n"
                + "      secretkey: s3-secret-value\n      regionendpoint: http://minio.minio:9000\n"
                + "      forcepathstyle: true\n"
                + "database:\n  type: " + database + "\n"
                + "  external:\n    host: pg.example.com\n    port: \"6432\"\n    username: berth\n"
                + "    password: db-secret-value\n    coreDatabase: berth\n    sslmode: require\n"
                + "redis:\n  type: " + redis + "\n  external:\n    addr: redis.example.com:6380\n"
                + "    password: redis-secret-value\n");

        // storage
        assertEquals(storage, r.envValue("BERTH_STORAGE_TYPE"));
        if (storage.equals("s3")) {
            assertEquals("http://minio.minio:9000", r.envValue("BERTH_STORAGE_S3_ENDPOINT"));
            assertEquals("eu-west-1", r.envValue("BERTH_STORAGE_S3_REGION"));
            assertEquals("blobs", r.envValue("BERTH_STORAGE_S3_BUCKET"));
            assertEquals("true", r.envValue("BERTH_STORAGE_S3_PATH_STYLE"));
            assertEquals("true", r.envValue("BERTH_STORAGE_S3_REDIRECT"));
            assertEquals(FULLNAME + "-core/REGISTRY_STORAGE_S3_ACCESSKEY", r.envSecret("BERTH_STORAGE_S3_ACCESS_KEY"));
            assertEquals(FULLNAME + "-core/REGISTRY_STORAGE_S3_SECRETKEY", r.envSecret("BERTH_STORAGE_S3_SECRET_KEY"));
            assertEquals("s3-secret-value", r.secretData(FULLNAME + "-core", "REGISTRY_STORAGE_S3_SECRETKEY"));
            assertThat(r.ofKind("PersistentVolumeClaim")).isEmpty();
            assertThat(at(r.volume("data"), "emptyDir")).isNotNull();
            assertEquals("RollingUpdate", string(r.deployment(), "spec.strategy.type"));
        } else {
            assertThat(r.env().keySet()).noneMatch(k -> k.startsWith("BERTH_STORAGE_S3_"));
            assertThat(r.has("PersistentVolumeClaim", FULLNAME + "-registry")).isTrue();
            assertThat(r.text()).doesNotContain(b64("s3-secret-value"));
        }

        // database
        if (database.equals("internal")) {
            assertThat(r.has("StatefulSet", FULLNAME + "-database")).isTrue();
            assertThat(r.has("Service", FULLNAME + "-database")).isTrue();
            assertEquals(
                    "jdbc:postgresql://" + FULLNAME + "-database:5432/registry", r.envValue("SPRING_DATASOURCE_URL"));
            assertThat(r.text()).doesNotContain(b64("db-secret-value"));
        } else {
            assertThat(r.ofKind("StatefulSet")).isEmpty();
            assertThat(r.has("Service", FULLNAME + "-database")).isFalse();
            assertEquals(
                    "jdbc:postgresql://pg.example.com:6432/berth?sslmode=require", r.envValue("SPRING_DATASOURCE_URL"));
            assertEquals("berth", r.envValue("SPRING_DATASOURCE_USERNAME"));
            assertEquals("db-secret-value", r.secretData(FULLNAME + "-database", "password"));
            assertThat(list(r.deployment(), "spec.template.spec.initContainers"))
                    .isEmpty();
        }
        assertEquals(FULLNAME + "-database/password", r.envSecret("SPRING_DATASOURCE_PASSWORD"));
        assertEquals("20", r.envValue("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE"));

        // Redis
        switch (redis) {
            case "none" -> {
                assertThat(r.env()).doesNotContainKey("BERTH_REDIS_URL");
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isFalse();
            }
            case "internal" -> {
                assertEquals("redis://" + FULLNAME + "-redis:6379/0", r.envValue("BERTH_REDIS_URL"));
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isTrue();
                assertThat(r.has("Service", FULLNAME + "-redis")).isTrue();
            }
            default -> {
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isFalse();
                assertEquals(FULLNAME + "-core/REDIS_PASSWORD", r.envSecret("BERTH_REDIS_PASSWORD"));
                assertEquals(
                        "redis://:$(BERTH_REDIS_PASSWORD)@redis.example.com:6380/0", r.envValue("BERTH_REDIS_URL"));
                assertThat(names(r.env())).containsSubsequence("BERTH_REDIS_PASSWORD", "BERTH_REDIS_URL");
            }
        }
        // passwords never in a plain environment value
        assertThat(r.text()).doesNotContain("db-secret-value", "s3-secret-value", "redis-secret-value");
    }

    @Test
    void s3PathStyleFollowsTheEndpointUnlessSetAsHarborsRegistryDoes() throws Exception {
        String s3 = "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: b\n";
        assertEquals("false", render(s3).envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals(
                "true",
                render(s3 + "      regionendpoint: http://minio:9000\n").envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals(
                "false",
                render(s3 + "      regionendpoint: https://s3.example.com\n      forcepathstyle: false\n")
                        .envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals("false", render(s3 + "    disableredirect: true\n").envValue("BERTH_STORAGE_S3_REDIRECT"));
    }

    @Test
    void harborsS3DriverSettingsBecomeBerthsAsItsRegistryReadsThem() throws Exception {
        String s3 =
                "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: b\n      region: eu-west-1\n";
        Rendered all = render(s3 + """
                      encrypt: true
                      keyid: alias/registry
                      skipverify: true
                      v4auth: true
                      storageclass: STANDARD_IA
                      chunksize: "10485760"
                      multipartcopythresholdsize: "33554432"
                      multipartcopychunksize: 33554432
                      multipartcopymaxconcurrency: 100
                """);
        assertEquals("true", all.envValue("BERTH_STORAGE_S3_ENCRYPT"));
        assertEquals("alias/registry", all.envValue("BERTH_STORAGE_S3_KMS_KEY_ID"));
        assertEquals("true", all.envValue("BERTH_STORAGE_S3_SKIP_VERIFY"));
        assertEquals("STANDARD_IA", all.envValue("BERTH_STORAGE_S3_STORAGE_CLASS"));
        assertEquals("10485760", all.envValue("BERTH_STORAGE_S3_PART_SIZE"));
        assertEquals("33554432", all.envValue("BERTH_STORAGE_S3_COPY_THRESHOLD"));
        assertEquals("33554432", all.envValue("BERTH_STORAGE_S3_COPY_PART_SIZE"));
        assertEquals("100", all.envValue("BERTH_STORAGE_S3_COPY_CONCURRENCY"));
        assertEquals("", all.envValue("BERTH_STORAGE_S3_ENDPOINT"));

        // Unset or off: nothing, and Berth's defaults hold (no encryption asked, the bucket's class).
        Rendered none = render(s3 + "      encrypt: false\n      skipverify: false\n      secure: true\n");
        assertThat(names(none.env()))
                .noneMatch(n ->
                        n.matches("BERTH_STORAGE_S3_(ENCRYPT|KMS_KEY_ID|SKIP_VERIFY|STORAGE_CLASS|PART_SIZE|COPY_.*)"));
        // secure: false without an endpoint is AWS's regional endpoint over HTTP, as in distribution
        assertEquals(
                "http://s3.eu-west-1.amazonaws.com",
                render(s3 + "      secure: false\n").envValue("BERTH_STORAGE_S3_ENDPOINT"));
        assertEquals(
                "http://minio:9000",
                render(s3 + "      secure: false\n      regionendpoint: http://minio:9000\n")
                        .envValue("BERTH_STORAGE_S3_ENDPOINT"));
        // A KMS key without encryption would be ignored by Harbor's registry: said, not ignored.
        assertRenderFails(s3 + "      keyid: alias/registry\n", "keyid is set but encrypt is not true");
    }

    @Test
    void existingSecretsAreReferencedAndTheirPlainValuesAppearNowhere() throws Exception {
        Rendered r = render("""
                existingSecretAdminPassword: admin-pass
                existingSecretAdminPasswordKey: password
                harborAdminPassword: plain-admin-password
                tokenKeySecret: shared-token-key
                tokenKeySecretKey: key.pem
                secretKey: plain-harbor-secret-key
                existingSecretSecretKey: shared-secret-key
                database:
                  type: external
                  external:
                    host: pg
                    password: plain-db-password
                    existingSecret: db-creds
                redis:
                  type: external
                  external:
                    addr: redis:6379
                    password: plain-redis-password
                    existingSecret: redis-creds
                    tlsOptions:
                      enable: true
                persistence:
                  imageChartStorage:
                    type: s3
                    s3:
                      bucket: b
                      accesskey: plain-access-key
                      secretkey: plain-secret-key
                      existingSecret: s3-creds
                """);
        assertEquals("admin-pass/password", r.envSecret("BERTH_ADMIN_PASSWORD"));
        assertEquals("db-creds/password", r.envSecret("SPRING_DATASOURCE_PASSWORD"));
        assertEquals("redis-creds/REDIS_PASSWORD", r.envSecret("BERTH_REDIS_PASSWORD"));
        assertEquals("rediss://:$(BERTH_REDIS_PASSWORD)@redis:6379/0", r.envValue("BERTH_REDIS_URL"));
        assertEquals("s3-creds/REGISTRY_STORAGE_S3_ACCESSKEY", r.envSecret("BERTH_STORAGE_S3_ACCESS_KEY"));
        assertEquals("s3-creds/REGISTRY_STORAGE_S3_SECRETKEY", r.envSecret("BERTH_STORAGE_S3_SECRET_KEY"));
        Map<String, Object> token = r.volume("token-key");
        assertEquals("shared-token-key", string(token, "secret.secretName"));
        assertEquals("key.pem", string(token, "secret.items[0].key"));
        Map<String, Object> secretKey = r.volume("secret-key");
        assertEquals("shared-secret-key", string(secretKey, "secret.secretName"));
        assertEquals("secretKey", string(secretKey, "secret.items[0].key"));
        assertEquals("/etc/berth/secret/secret.key", r.envValue("BERTH_SECRET_KEY_FILE"));

        assertThat(r.has("Secret", FULLNAME + "-database")).isFalse();
        Map<String, Object> core = r.get("Secret", FULLNAME + "-core");
        assertThat(map(core, "data")).isEmpty();
        for (String plain : List.of(
                "plain-admin-password",
                "plain-db-password",
                "plain-redis-password",
                "plain-access-key",
                "plain-secret-key",
                "plain-harbor-secret-key")) {
            assertThat(r.text()).doesNotContain(plain, b64(plain));
        }
    }

    @Test
    void theSecretKeyIsGeneratedOrDerivedFromHarborsSecretKey() throws Exception {
        Rendered generated = render("");
        String key = new String(
                java.util.Base64.getDecoder().decode((String)
                        map(generated.get("Secret", FULLNAME + "-core"), "data").get("secret.key")),
                java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(java.util.Base64.getDecoder().decode(key)).hasSize(32);
        Map<String, Object> volume = generated.volume("secret-key");
        assertEquals(FULLNAME + "-core", string(volume, "secret.secretName"));
        assertEquals("secret.key", string(volume, "secret.items[0].key"));

        // Harbor's secretKey (16 characters there) becomes a 32-byte key: its SHA-256, in hex.
        Rendered harbor = render("secretKey: not-a-secure-key\n");
        String derived = new String(
                java.util.Base64.getDecoder().decode((String)
                        map(harbor.get("Secret", FULLNAME + "-core"), "data").get("secret.key")),
                java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest("not-a-secure-key".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                derived);
    }

    @Test
    void metricsGetAPortAServiceAndOnRequestAServiceMonitor() throws Exception {
        Rendered off = render("metrics:\n  serviceMonitor:\n    enabled: true\n");
        assertThat(off.ofKind("ServiceMonitor")).isEmpty();
        assertThat(off.has("Service", FULLNAME + "-metrics")).isFalse();

        Rendered on = render("metrics:\n  enabled: true\n");
        assertThat(on.ofKind("ServiceMonitor")).isEmpty();
        assertEquals("true", on.envValue("BERTH_METRICS_ENABLED"));
        assertEquals("9090", on.envValue("BERTH_METRICS_PORT"));
        assertThat(list(on.container(), "ports"))
                .anySatisfy(p -> assertEquals(Map.of("name", "metrics", "containerPort", 9090), p));

        Rendered monitored = render("metrics:\n  enabled: true\n  serviceMonitor:\n    enabled: true\n"
                + "    interval: 30s\n    additionalLabels:\n      release: prometheus\n");
        Map<String, Object> metricsService = monitored.get("Service", FULLNAME + "-metrics");
        assertEquals("ClusterIP", string(metricsService, "spec.type"));
        assertEquals("9090", string(metricsService, "spec.ports[0].port"));
        assertEquals("metrics", string(metricsService, "spec.ports[0].targetPort"));
        Map<String, Object> monitor = monitored.get("ServiceMonitor", FULLNAME);
        assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
        assertEquals("prometheus", string(monitor, "metadata.labels.release"));
        assertEquals("metrics", string(monitor, "spec.endpoints[0].port"));
        assertEquals("/metrics", string(monitor, "spec.endpoints[0].path"));
        assertEquals("30s", string(monitor, "spec.endpoints[0].interval"));
        // the monitor's selector picks the metrics Service, not the public one
        Map<String, Object> selector = map(monitor, "spec.selector.matchLabels");
        assertThat(map(metricsService, "metadata.labels")).containsAllEntriesOf(selector);
        assertThat(map(monitored.get("Service", FULLNAME), "metadata.labels")
                        .entrySet()
                        .containsAll(selector.entrySet()))
                .as("the public Service is not selected")
                .isFalse();
    }

    @Test
    void severalReplicasNeedSharedStorageAndGetADisruptionBudget() throws Exception {
        assertRenderFails("berth:\n  replicas: 3\n", "berth.replicas is 3", "ReadWriteMany");
        assertRenderFails("berth:\n  replicas: 2\npersistence:\n  enabled: false\n", "persistence.enabled is false");

        Rendered rwx = render("berth:\n  replicas: 3\npersistence:\n  persistentVolumeClaim:\n    registry:\n"
                + "      accessMode: ReadWriteMany\n      storageClass: nfs\n");
        assertEquals("3", string(rwx.deployment(), "spec.replicas"));
        assertEquals("RollingUpdate", string(rwx.deployment(), "spec.strategy.type"));
        assertEquals("nfs", string(rwx.get("PersistentVolumeClaim", FULLNAME + "-registry"), "spec.storageClassName"));
        Map<String, Object> pdb = rwx.get("PodDisruptionBudget", FULLNAME);
        assertEquals("1", string(pdb, "spec.minAvailable"));
        assertEquals(map(rwx.deployment(), "spec.selector.matchLabels"), map(pdb, "spec.selector.matchLabels"));

        Rendered s3 = render("berth:\n  replicas: 2\npersistence:\n  imageChartStorage:\n    type: s3\n");
        assertThat(s3.has("PodDisruptionBudget", FULLNAME)).isTrue();

        Rendered existing = render("berth:\n  replicas: 2\npersistence:\n  persistentVolumeClaim:\n    registry:\n"
                + "      existingClaim: shared-blobs\n");
        assertEquals("shared-blobs", string(existing.volume("data"), "persistentVolumeClaim.claimName"));
        assertThat(existing.ofKind("PersistentVolumeClaim")).isEmpty();

        assertThat(render("").has("PodDisruptionBudget", FULLNAME)).isFalse();
    }

    @Test
    void schedulingResourcesAndImagePassThrough() throws Exception {
        Rendered r = render("""
                berth:
                  image:
                    repository: registry.example.com/library/berth
                    tag: "1.2.3"
                  resources:
                    requests:
                      memory: 768Mi
                  nodeSelector:
                    disk: ssd
                  tolerations:
                    - key: dedicated
                      operator: Equal
                      value: registry
                      effect: NoSchedule
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                        - weight: 100
                          podAffinityTerm:
                            topologyKey: kubernetes.io/hostname
                            labelSelector:
                              matchLabels:
                                app.kubernetes.io/name: berth
                  javaOpts: -Xmx1g
                  gc:
                    uploadGrace: 30m
                  extraEnvVars:
                    - name: TZ
                      value: UTC
                persistence:
                  persistentVolumeClaim:
                    registry:
                      storageClass: "-"
                """);
        assertEquals("registry.example.com/library/berth:1.2.3", string(r.container(), "image"));
        assertEquals("768Mi", string(r.container(), "resources.requests.memory"));
        Map<String, Object> pod = map(r.deployment(), "spec.template.spec");
        assertEquals(Map.of("disk", "ssd"), map(pod, "nodeSelector"));
        assertEquals("dedicated", string(pod, "tolerations[0].key"));
        assertEquals(
                "kubernetes.io/hostname",
                string(
                        pod,
                        "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                                + ".podAffinityTerm.topologyKey"));
        assertEquals("-Xmx1g", r.envValue("JAVA_TOOL_OPTIONS"));
        assertEquals("30m", r.envValue("BERTH_GC_UPLOAD_GRACE"));
        assertEquals("UTC", r.envValue("TZ"));
        assertEquals("", string(r.get("PersistentVolumeClaim", FULLNAME + "-registry"), "spec.storageClassName"));
        assertEquals("berth:0.1.0", string(render("").container(), "image"));
    }

    @Test
    void harborsGcsStorageSettingsMapOntoBerthsGcsDriver() throws Exception {
        String gcs = "persistence:\n  imageChartStorage:\n    type: gcs\n    gcs:\n      bucket: harbor-blobs\n";
        Rendered withKey = render(gcs + "      encodedkey: " + b64("{\"type\":\"service_account\"}") + "\n"
                + "      rootdirectory: /harbor\n      chunksize: 10485760\n");

        assertEquals("gcs", withKey.envValue("BERTH_STORAGE_TYPE"));
        assertEquals("harbor-blobs", withKey.envValue("BERTH_STORAGE_GCS_BUCKET"));
        assertEquals("/harbor", withKey.envValue("BERTH_STORAGE_GCS_ROOT_DIRECTORY"));
        assertEquals("10485760", withKey.envValue("BERTH_STORAGE_GCS_CHUNK_SIZE"));
        assertEquals("/etc/berth/gcs/gcs-key.json", withKey.envValue("BERTH_STORAGE_GCS_KEY_FILE"));
        assertEquals(FULLNAME + "-core", string(withKey.volume("gcs-key"), "secret.secretName"));
        assertEquals("GCS_KEY_DATA", string(withKey.volume("gcs-key"), "secret.items[0].key"));
        assertEquals("{\"type\":\"service_account\"}", withKey.secretData(FULLNAME + "-core", "GCS_KEY_DATA"));
        assertThat(withKey.ofKind("PersistentVolumeClaim")).isEmpty();
        assertEquals("RollingUpdate", string(withKey.deployment(), "spec.strategy.type"));

        Rendered existing = render(gcs + "      encodedkey: ignored\n      existingSecret: harbor-gcs\n");
        assertEquals("harbor-gcs", string(existing.volume("gcs-key"), "secret.secretName"));
        assertNull(existing.secretData(FULLNAME + "-core", "GCS_KEY_DATA"));

        Rendered workloadIdentity = render(gcs + "      encodedkey: ignored\n      useWorkloadIdentity: true\n");
        assertNull(workloadIdentity.envValue("BERTH_STORAGE_GCS_KEY_FILE"));
        assertThatThrownBy(() -> workloadIdentity.volume("gcs-key")).isInstanceOf(AssertionError.class);

        assertRenderFails(
                "persistence:\n  imageChartStorage:\n    type: gcs\n    gcs:\n      bucket: \"\"\n",
                "persistence.imageChartStorage.gcs.bucket");
    }

    @Test
    void harborsAzureStorageSettingsMapOntoBerthsAzureDriver() throws Exception {
        String azure = "persistence:\n  imageChartStorage:\n    type: azure\n    azure:\n"
                + "      accountname: harboraccount\n      container: blobs\n";
        Rendered withKey = render(azure + "      accountkey: azure-secret-value\n      realm: core.chinacloudapi.cn\n");

        assertEquals("azure", withKey.envValue("BERTH_STORAGE_TYPE"));
        assertEquals("harboraccount", withKey.envValue("BERTH_STORAGE_AZURE_ACCOUNT_NAME"));
        assertEquals("blobs", withKey.envValue("BERTH_STORAGE_AZURE_CONTAINER"));
        assertEquals("core.chinacloudapi.cn", withKey.envValue("BERTH_STORAGE_AZURE_REALM"));
        assertEquals(FULLNAME + "-core/AZURE_STORAGE_ACCESS_KEY", withKey.envSecret("BERTH_STORAGE_AZURE_ACCOUNT_KEY"));
        assertEquals("azure-secret-value", withKey.secretData(FULLNAME + "-core", "AZURE_STORAGE_ACCESS_KEY"));
        assertThat(withKey.ofKind("PersistentVolumeClaim")).isEmpty();

        Rendered existing = render(azure + "      existingSecret: harbor-azure\n");
        assertEquals("core.windows.net", existing.envValue("BERTH_STORAGE_AZURE_REALM"));
        assertEquals("harbor-azure/AZURE_STORAGE_ACCESS_KEY", existing.envSecret("BERTH_STORAGE_AZURE_ACCOUNT_KEY"));
        assertNull(existing.secretData(FULLNAME + "-core", "AZURE_STORAGE_ACCESS_KEY"));

        assertRenderFails(azure, "accountkey, or existingSecret");
    }

    @Test
    void harborsOssAndSwiftStorageAreRefusedWithWhatToUseInstead() {
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: oss\n", "type: s3", "aliyuncs.com");
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: swift\n", "no Swift driver", "type: s3");
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: ftp\n", "/persistence/imageChartStorage/type");
    }

    @Test
    void valuesThatCannotWorkStopTheRenderWithAMessageThatSaysWhatToChange() {
        assertRenderFails(
                "expose:\n  type: gateway\n",
                "expose.type must be ingress, route, clusterIP, nodePort or loadBalancer");
        assertRenderFails("expose:\n  tls:\n    certSource: secret\n", "expose.tls.secret.secretName");
        assertRenderFails(
                "expose:\n  type: nodePort\n  tls:\n    certSource: none\n",
                "certSource none works with expose.type ingress only");
        assertRenderFails("expose:\n  type: clusterIP\n", "expose.tls.auto.commonName");
        assertRenderFails(
                "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: \"\"\n",
                "persistence.imageChartStorage.s3.bucket");
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: azure\n", "azure.accountname and container");
        assertRenderFails("database:\n  type: sqlite\n", "database.type must be internal or external");
        // YAML's "on" is a boolean: the schema names the value's place.
        assertRenderFails("database:\n  external:\n    sslmode: on\n", "/database/external/sslmode");
        assertRenderFails("database:\n  external:\n    sslmode: always\n", "database.external.sslmode");
        assertRenderFails("redis:\n  type: sentinel\n", "redis.type must be none, internal or external");
        assertRenderFails("harborAdminPassword: \"\"\n", "existingSecretAdminPassword");
        assertRenderFails("externalURL: registry.example.com\n", "externalURL must be an http");
    }

    @Test
    void harborsPerComponentSettingsBecomeTheOneBerthPods() throws Exception {
        Rendered r = render("""
                persistence:
                  imageChartStorage:
                    type: s3
                    s3:
                      bucket: blobs
                core:
                  replicas: 2
                  resources:
                    requests: {cpu: 500m, memory: 1Gi}
                  nodeSelector: {pool: registry}
                  priorityClassName: high
                  extraEnvVars:
                    - {name: FROM_CORE, value: "1"}
                  image:
                    repository: ""
                registry:
                  replicas: 3
                  resources:
                    requests: {cpu: 500m, memory: 1Gi}
                  podAnnotations: {team: platform}
                jobservice:
                  maxJobWorkers: 10
                  extraEnvVars:
                    - {name: FROM_JOBSERVICE, value: "2"}
                updateStrategy:
                  type: Recreate
                caSecretName: corp-ca
                trace:
                  enabled: true
                  provider: otel
                  otel:
                    endpoint: collector.tracing:4318
                    url_path: /v1/traces
                    insecure: true
                metrics:
                  enabled: true
                  core:
                    path: /metrics
                    port: 8001
                trivy:
                  enabled: false
                redis:
                  external:
                    sentinelMasterSet: ""
                """);
        // The largest replicas; resources given alike in two places; each setting given once.
        assertEquals(3, ((Number) at(r.deployment(), "spec.replicas")).intValue());
        assertThat(r.has("PodDisruptionBudget", FULLNAME)).isTrue();
        assertEquals("1Gi", string(r.container(), "resources.requests.memory"));
        assertEquals("registry", string(r.deployment(), "spec.template.spec.nodeSelector.pool"));
        assertEquals("high", string(r.deployment(), "spec.template.spec.priorityClassName"));
        assertEquals("platform", string(r.deployment(), "spec.template.metadata.annotations.team"));
        assertEquals("Recreate", string(r.deployment(), "spec.strategy.type"));
        assertEquals("1", r.envValue("FROM_CORE"));
        assertEquals("2", r.envValue("FROM_JOBSERVICE"));
        assertEquals("10", r.envValue("BERTH_JOBS_WORKERS"));
        // caSecretName: the CA that GET /api/v2.0/systeminfo/getcert serves.
        assertEquals("/etc/berth/ca/ca.crt", r.envValue("BERTH_TLS_CA_CERTIFICATE"));
        assertEquals("corp-ca", string(r.volume("ca"), "secret.secretName"));
        assertEquals("/etc/berth/ca", mounts(r).get("ca"));
        // Harbor's trace shape: host:port, url_path, insecure.
        assertEquals("http://collector.tracing:4318/v1/traces", r.envValue("BERTH_TRACING_OTLP_ENDPOINT"));
        assertEquals("8001", r.envValue("BERTH_METRICS_PORT"));
    }

    @Test
    void harborsGatewayApiRouteSendsEveryPathToBerthAndTheGatewayEndsTls() throws Exception {
        Rendered r = render("""
                externalURL: https://registry.example.com
                expose:
                  type: route
                  route:
                    parentRefs:
                      - {name: shared, namespace: gateways, sectionName: https}
                    hostnames: [registry.example.com]
                    annotations: {team: platform}
                    labels: {exposure: public}
                """);
        Map<String, Object> route = r.get("HTTPRoute", FULLNAME);
        assertEquals("gateway.networking.k8s.io/v1", route.get("apiVersion"));
        assertEquals("shared", string(route, "spec.parentRefs[0].name"));
        assertEquals("gateways", string(route, "spec.parentRefs[0].namespace"));
        assertEquals("https", string(route, "spec.parentRefs[0].sectionName"));
        assertEquals("registry.example.com", string(route, "spec.hostnames[0]"));
        assertEquals("platform", string(route, "metadata.annotations.team"));
        assertEquals("public", string(route, "metadata.labels.exposure"));
        // One rule: Berth serves the portal, /api, /v2 and /service on one port (Harbor needs two).
        assertThat(list(route, "spec.rules")).hasSize(1);
        assertEquals("PathPrefix", string(route, "spec.rules[0].matches[0].path.type"));
        assertEquals("/", string(route, "spec.rules[0].matches[0].path.value"));
        assertEquals(FULLNAME, string(route, "spec.rules[0].backendRefs[0].name"));
        assertEquals(80, ((Number) at(route, "spec.rules[0].backendRefs[0].port")).intValue());
        assertEquals("http", string(r.get("Service", FULLNAME), "spec.ports[0].targetPort"));
        assertEquals("ClusterIP", string(r.get("Service", FULLNAME), "spec.type"));
        // TLS is the Gateway's: no Ingress, no generated certificate, Berth speaks HTTP behind it.
        assertThat(r.ofKind("Ingress")).isEmpty();
        assertThat(r.has("Secret", FULLNAME + "-tls")).isFalse();
        assertThat(r.envValue("BERTH_TLS_CERTIFICATE")).isNull();
        assertThat(r.env()).doesNotContainKey("BERTH_TLS_CERTIFICATE");

        assertRenderFails("expose:\n  type: route\n", "expose.route.parentRefs");
        assertRenderFails("expose:\n  route:\n    hosts: [a.example.com]\n", "hosts");
    }

    @Test
    void harborsIpFamiliesBecomeTheServicesFamiliesAndBerthsListenAddress() throws Exception {
        Rendered both = render(
                "ipFamily:\n  ipv4:\n    enabled: true\n  ipv6:\n    enabled: true\n" + "metrics:\n  enabled: true\n");
        for (String service : List.of(FULLNAME, FULLNAME + "-metrics")) {
            assertEquals("PreferDualStack", string(both.get("Service", service), "spec.ipFamilyPolicy"));
            assertEquals(List.of("IPv4", "IPv6"), at(both.get("Service", service), "spec.ipFamilies"));
        }
        assertThat(both.envValue("SERVER_ADDRESS")).isNull(); // the JVM's wildcard takes both

        Rendered v6 = render("ipFamily:\n  ipv4:\n    enabled: false\n  ipv6:\n    enabled: true\n");
        assertEquals("SingleStack", string(v6.get("Service", FULLNAME), "spec.ipFamilyPolicy"));
        assertEquals(List.of("IPv6"), at(v6.get("Service", FULLNAME), "spec.ipFamilies"));
        assertEquals("::", v6.envValue("SERVER_ADDRESS"));

        Rendered v4 = render("ipFamily:\n  ipv4:\n    enabled: true\n  ipv6:\n    enabled: false\n");
        assertEquals(List.of("IPv4"), at(v4.get("Service", FULLNAME), "spec.ipFamilies"));
        assertEquals("0.0.0.0", v4.envValue("SERVER_ADDRESS"));
        assertEquals("0.0.0.0", v4.envValue("MANAGEMENT_SERVER_ADDRESS"));

        Rendered none = render("externalURL: https://registry.example.com\n");
        assertThat(map(none.get("Service", FULLNAME), "spec")).doesNotContainKeys("ipFamilies", "ipFamilyPolicy");
        assertRenderFails(
                "ipFamily:\n  ipv4:\n    enabled: false\n  ipv6:\n    enabled: false\n", "enable at least one");
    }

    @Test
    void harborsCaBundleSecretIsTrustedByTheOutboundClient() throws Exception {
        Rendered r = render("caBundleSecretName: corp-cas\n");
        assertEquals("/etc/berth/ca-bundle/ca.crt", r.envValue("BERTH_OUTBOUND_CA_BUNDLE"));
        assertEquals("corp-cas", string(r.volume("ca-bundle"), "secret.secretName"));
        assertEquals("ca.crt", string(r.volume("ca-bundle"), "secret.items[0].key"));
        assertEquals("/etc/berth/ca-bundle", mounts(r).get("ca-bundle"));
        assertThat(render("").envValue("BERTH_OUTBOUND_CA_BUNDLE")).isNull();
    }

    @Test
    void harborsSentinelMasterSetMakesBerthFindRedisThroughTheSentinels() throws Exception {
        String sentinel = """
                redis:
                  type: external
                  external:
                    addr: sentinel-0.redis:26379,sentinel-1.redis:26379
                    sentinelMasterSet: mymaster
                    coreDatabaseIndex: "2"
                """;
        // Lettuce's Sentinel URL (RedisSentinelTest connects with this shape to a real sentinel).
        assertEquals(
                "redis-sentinel://sentinel-0.redis:26379,sentinel-1.redis:26379/2#mymaster",
                render(sentinel).envValue("BERTH_REDIS_URL"));
        assertEquals(
                "rediss-sentinel://:$(BERTH_REDIS_PASSWORD)@sentinel-0.redis:26379,sentinel-1.redis:26379/2#mymaster",
                render(sentinel + "    password: s3cret\n    tlsOptions:\n      enable: true\n")
                        .envValue("BERTH_REDIS_URL"));
        // The Trivy adapter's Redis URLs have no Sentinel form in the chart yet: said, not rendered broken.
        assertRenderFails(
                sentinel + "trivy:\n  enabled: true\n", "trivy.enabled with redis.external.sentinelMasterSet");
        assertEquals(
                "redis://primary.redis:6379/0",
                render(
                                "redis:\n  type: external\n  external:\n    addr: primary.redis:6379\n    sentinelMasterSet: \"\"\n")
                        .envValue("BERTH_REDIS_URL"));
    }

    @Test
    void componentSettingsThatDisagreeStopTheRenderNamingBoth() {
        assertRenderFails(
                "core:\n  resources:\n    limits: {memory: 1Gi}\nregistry:\n  resources:\n    limits: {memory: 2Gi}\n",
                "core.resources and registry.resources differ",
                "set berth.resources");
        assertRenderFails(
                "berth:\n  nodeSelector: {a: b}\njobservice:\n  nodeSelector: {a: c}\n",
                "berth.nodeSelector and jobservice.nodeSelector differ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "nginx:\\n  image:\\n    repository: goharbor/nginx-photon\\n|nginx is a Harbor chart value that Berth does not support",
                "core:\\n  image:\\n    repository: goharbor/harbor-core\\n|core.image is a Harbor chart value that Berth does not support: Berth is one image",
                "jobservice:\\n  jobLoggers: [file]\\n|jobservice.jobLoggers is a Harbor chart value",
                "registry:\\n  relativeurls: true\\n|registry.relativeurls is a Harbor chart value",
                "internalTLS:\\n  enabled: true\\n|internalTLS is a Harbor chart value",
                "trivy:\\n  enabled: true\\n  image:\\n    tag: \"\"\\n|trivy.image needs repository and tag",
                "proxy:\\n  httpProxy: http://proxy.corp:3128\\n|proxy is a Harbor chart value that Berth does not support: Berth's outbound client does not go through an HTTP proxy yet",
                "expose:\\n  ingress:\\n    controller: gce\\n|expose.ingress.controller \"gce\"",
                "trace:\\n  enabled: true\\n  provider: jaeger\\n|trace.provider \"jaeger\"",
                "database:\\n  maxOpenConns: 900\\n|database.maxOpenConns is a Harbor chart value that Berth does not support: Berth's pool size per pod is berth.maxOpenConns",
                "persistence:\\n  imageChartStorage:\\n    s3:\\n      v4auth: false\\n|persistence.imageChartStorage.s3.v4auth false is a Harbor chart value that Berth does not support",
            })
    void harborValuesBerthDoesNotSupportAreRefusedByName(String values, String message) {
        assertRenderFails(values.replace("\\n", "\n"), message);
    }

    @Test
    void harborSettingsOfFeaturesThatAreOffAskForNothing() throws Exception {
        Rendered r = render("""
                trace:
                  enabled: false
                  provider: jaeger
                  jaeger:
                    endpoint: http://hostname:14268/api/traces
                metrics:
                  enabled: false
                  registry:
                    path: /metrics
                    port: 8001
                trivy:
                  enabled: false
                """);
        assertThat(r.envValue("BERTH_TRACING_OTLP_ENDPOINT")).isNull();
    }

    @Test
    void harborsTrivyValuesDeployTheAdapterAndRegisterItAsTheDefaultScanner() throws Exception {
        Rendered r = render("""
                trivy:
                  enabled: true
                  image:
                    repository: aquasec/harbor-scanner-trivy
                    tag: "0.33.0"
                  gitHubToken: ghp_not_in_the_manifest
                  skipUpdate: true
                  offlineScan: true
                  ignoreUnfixed: true
                  resources:
                    requests:
                      cpu: 100m
                  nodeSelector:
                    pool: scanners
                  initContainers:
                    - name: seed-db
                      image: busybox
                  readinessProbe:
                    timeoutSeconds: 3
                  dbRepository:
                    - mirror.gcr.io/aquasec/trivy-db
                    - ghcr.io/aquasecurity/trivy-db
                  podDisruptionBudget:
                    enabled: true
                    minAvailable: 1
                persistence:
                  persistentVolumeClaim:
                    trivy:
                      size: 10Gi
                      storageClass: fast
                """);
        String trivy = FULLNAME + "-trivy";
        assertThat(r.names())
                .contains(
                        "Secret/" + trivy,
                        "Service/" + trivy,
                        "StatefulSet/" + trivy,
                        // the adapter's job queue: the internal Redis, rendered for it though Berth uses none
                        "Deployment/" + FULLNAME + "-redis",
                        "Service/" + FULLNAME + "-redis");
        // Berth registers it at start as the default scanner; Berth itself still uses no Redis
        assertEquals("Trivy", r.envValue("BERTH_SCAN_ADAPTERS_0_NAME"));
        assertEquals("http://" + trivy + ":8080", r.envValue("BERTH_SCAN_ADAPTERS_0_URL"));
        assertEquals("true", r.envValue("BERTH_SCAN_ADAPTERS_0_ISDEFAULT"));
        assertThat(r.env()).doesNotContainKey("BERTH_REDIS_URL");

        Map<String, Object> sts = r.get("StatefulSet", trivy);
        Map<String, Object> container = map(sts, "spec.template.spec.containers[0]");
        assertEquals("aquasec/harbor-scanner-trivy:0.33.0", string(container, "image"));
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> e : list(container, "env")) {
            env.put((String) e.get("name"), e);
        }
        assertEquals("true", string(env.get("SCANNER_TRIVY_SKIP_UPDATE"), "value"));
        assertEquals("true", string(env.get("SCANNER_TRIVY_OFFLINE_SCAN"), "value"));
        assertEquals("true", string(env.get("SCANNER_TRIVY_IGNORE_UNFIXED"), "value"));
        assertEquals("false", string(env.get("SCANNER_TRIVY_SKIP_JAVA_DB_UPDATE"), "value"));
        assertEquals(":8080", string(env.get("SCANNER_API_SERVER_ADDR"), "value"));
        // the GitHub token is in the Secret only
        assertEquals(trivy, string(env.get("SCANNER_TRIVY_GITHUB_TOKEN"), "valueFrom.secretKeyRef.name"));
        assertEquals("gitHubToken", string(env.get("SCANNER_TRIVY_GITHUB_TOKEN"), "valueFrom.secretKeyRef.key"));
        assertEquals("ghp_not_in_the_manifest", r.secretData(trivy, "gitHubToken"));
        assertThat(r.text()).doesNotContain("ghp_not_in_the_manifest");
        for (String redis : List.of("SCANNER_REDIS_URL", "SCANNER_STORE_REDIS_URL", "SCANNER_JOB_QUEUE_REDIS_URL")) {
            assertEquals("redis://" + FULLNAME + "-redis:6379/5", string(env.get(redis), "value"));
        }
        assertEquals("100m", string(container, "resources.requests.cpu"));
        assertEquals("scanners", string(sts, "spec.template.spec.nodeSelector.pool"));
        assertEquals("/probe/ready", string(container, "readinessProbe.httpGet.path"));
        assertEquals("3", string(container, "readinessProbe.timeoutSeconds"));
        assertEquals("5", string(container, "readinessProbe.initialDelaySeconds"));
        assertEquals(
                "mirror.gcr.io/aquasec/trivy-db,ghcr.io/aquasecurity/trivy-db",
                string(env.get("SCANNER_TRIVY_DB_REPOSITORY"), "value"));
        assertEquals("seed-db", string(sts, "spec.template.spec.initContainers[0].name"));
        assertEquals(
                "trivy",
                map(r.get("PodDisruptionBudget", trivy), "spec.selector.matchLabels")
                        .get("app.kubernetes.io/component"));
        assertEquals("/home/scanner/.cache", string(container, "volumeMounts[0].mountPath"));
        // one cache volume per pod
        assertEquals("data", string(sts, "spec.volumeClaimTemplates[0].metadata.name"));
        assertEquals("10Gi", string(sts, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"));
        assertEquals("fast", string(sts, "spec.volumeClaimTemplates[0].spec.storageClassName"));
        // the Service reaches these pods and no others
        Map<String, Object> service = r.get("Service", trivy);
        assertEquals("trivy", map(service, "spec.selector").get("app.kubernetes.io/component"));
        assertThat(map(sts, "spec.template.metadata.labels")).containsAllEntriesOf(map(service, "spec.selector"));
        assertEquals("api-server", string(service, "spec.ports[0].targetPort"));
    }

    @Test
    void theTrivyAdapterUsesTheExternalRedisWithItsIndexAndNoVolumeWithoutPersistence() throws Exception {
        Rendered r = render("""
                trivy:
                  enabled: true
                persistence:
                  enabled: false
                redis:
                  type: external
                  external:
                    addr: redis.example.com:6380
                    username: berth
                    password: redis-secret
                    trivyAdapterIndex: "7"
                """);
        String trivy = FULLNAME + "-trivy";
        assertThat(r.has("Deployment", FULLNAME + "-redis")).isFalse();
        Map<String, Object> sts = r.get("StatefulSet", trivy);
        Map<String, Object> container = map(sts, "spec.template.spec.containers[0]");
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> e : list(container, "env")) {
            env.put((String) e.get("name"), e);
        }
        assertEquals(
                "redis://berth:$(REDIS_PASSWORD)@redis.example.com:6380/7",
                string(env.get("SCANNER_JOB_QUEUE_REDIS_URL"), "value"));
        assertEquals(FULLNAME + "-core", string(env.get("REDIS_PASSWORD"), "valueFrom.secretKeyRef.name"));
        assertEquals("goharbor/trivy-adapter-photon:v2.14.4", string(container, "image"));
        assertThat(at(sts, "spec.volumeClaimTemplates")).isNull();
        assertEquals("data", string(sts, "spec.template.spec.volumes[0].name"));
        assertThat(map(sts, "spec.template.spec.volumes[0]")).containsKey("emptyDir");
        assertEquals("http://" + trivy + ":8080", r.envValue("BERTH_SCAN_ADAPTERS_0_URL"));
    }

    @Test
    void everyRenderedObjectFitsTheKubernetesApiForTheDefaultsAHarborValuesFileAndEachExposeType() throws Exception {
        String harbor;
        try (var in = HelmChartTest.class.getResourceAsStream("/harbor-1.19-values.yaml")) {
            harbor = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("defaults", "");
        cases.put("Harbor 1.19 values", harbor);
        cases.put(
                "route",
                "expose:\n  type: route\n  route:\n    parentRefs: [{name: gw, namespace: gateways}]\n"
                        + "    hostnames: [r.example.com]\n");
        cases.put(
                "nodePort, internal Redis",
                "expose:\n  type: nodePort\n  tls:\n    auto:\n      commonName: r.example.com\n"
                        + "redis:\n  type: internal\n");
        cases.put(
                "loadBalancer, S3, two replicas",
                "expose:\n  type: loadBalancer\n  tls:\n    auto:\n      commonName: r.example.com\n"
                        + "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: b\n"
                        + "berth:\n  replicas: 2\n");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Rendered r = render(c.getValue());
            assertThat(r.objects()).as(c.getKey()).isNotEmpty();
            assertThat(KubernetesSchemaCheck.problems(r.objects()))
                    .as(c.getKey())
                    .isEmpty();
        }
        Rendered fromHarbor = render(harbor);
        assertThat(fromHarbor.names())
                .contains("Ingress/" + FULLNAME, "Deployment/" + FULLNAME, "ServiceMonitor/" + FULLNAME);
        assertEquals(2, ((Number) at(fromHarbor.deployment(), "spec.replicas")).intValue());
        assertEquals(
                "redis-sentinel://:$(BERTH_REDIS_PASSWORD)@redis-sentinel-0.redis:26379,redis-sentinel-1.redis:26379,"
                        + "redis-sentinel-2.redis:26379/0#harbor",
                fromHarbor.envValue("BERTH_REDIS_URL"));
        assertEquals("PreferDualStack", string(fromHarbor.get("Service", FULLNAME), "spec.ipFamilyPolicy"));
    }

    @Test
    void aMisspeltOrMistypedFieldFailsTheKubernetesSchemaCheck() throws Exception {
        Rendered r = render("");
        Map<String, Object> container = r.container();
        container.put("imagePullPolicyy", "Always");
        map(r.deployment(), "spec").put("replicas", "two");
        map(r.get("Service", FULLNAME), "spec").put("ports", List.of(Map.of("name", "http", "prot", 80)));
        List<String> problems = KubernetesSchemaCheck.problems(r.objects());
        assertThat(String.join("\n", problems))
                .contains("Deployment/" + FULLNAME)
                .contains("replicas");
        // The type error stops the Deployment's reading; the Service's misspelt field is named with its path.
        assertThat(problems).contains("v1 Service/" + FULLNAME + ": unknown field spec.ports[0].prot");

        Rendered again = render("");
        again.container().put("imagePullPolicyy", "Always");
        assertThat(KubernetesSchemaCheck.problems(again.objects()))
                .containsExactly("apps/v1 Deployment/" + FULLNAME
                        + ": unknown field spec.template.spec.containers[0].imagePullPolicyy");
    }

    @Test
    void anUnknownKeyFailsTheSchemaNamingIt() {
        assertRenderFails("berth:\n  replica: 2\n", "replica");
        assertRenderFails("exposee:\n  type: ingress\n", "exposee");
        assertRenderFails("berth:\n  replicas: two\n", "replicas");
        assertRenderFails("trivy:\n  enabeld: true\n", "enabeld");
    }

    private static Map<String, String> mounts(Rendered r) {
        return list(r.container(), "volumeMounts").stream()
                .collect(Collectors.toMap(m -> (String) m.get("name"), m -> (String) m.get("mountPath")));
    }

    private static List<String> names(Map<String, Map<String, Object>> env) {
        return List.copyOf(env.keySet());
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String b64(String plain) {
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
