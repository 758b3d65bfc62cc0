package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/helm/berth rendered by Helm itself (helm-java embeds Helm 3) with the values a user
 * would give, and the rendered Kubernetes objects read back and checked: what the pod is told
 * (environment, secrets, volumes, probes, security context), how it is exposed, what exists for
 * each storage, database and Redis choice, and the messages for values that cannot work.
 */
class HelmChartTest extends RenderedChart {
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
}
