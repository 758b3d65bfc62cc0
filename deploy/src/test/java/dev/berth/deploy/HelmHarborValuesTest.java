package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Harbor values file's keys on Berth's chart: per-component pod settings, route, IP families,
 * CA bundle, Sentinel, outbound proxy, Trivy; what Berth does not support refused by name.
 */
class HelmHarborValuesTest extends RenderedChart {
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
        // The Trivy adapter's own Sentinel form (redis+sentinel://sentinels/<master set>/<index>), as
        // Harbor's chart gives it; it has none with TLS, which is said rather than rendered broken.
        Rendered trivy = render(sentinel + "    password: s3cret\ntrivy:\n  enabled: true\n");
        Map<String, Object> adapter =
                map(trivy.get("StatefulSet", FULLNAME + "-trivy"), "spec.template.spec.containers[0]");
        String expected =
                "redis+sentinel://:$(REDIS_PASSWORD)@sentinel-0.redis:26379,sentinel-1.redis:26379/mymaster/5";
        for (String variable : List.of("SCANNER_REDIS_URL", "SCANNER_STORE_REDIS_URL", "SCANNER_JOB_QUEUE_REDIS_URL")) {
            assertThat(list(adapter, "env")).as(variable).anySatisfy(e -> {
                assertEquals(variable, e.get("name"));
                assertEquals(expected, e.get("value"));
            });
        }
        assertRenderFails(
                sentinel + "    tlsOptions:\n      enable: true\ntrivy:\n  enabled: true\n",
                "the Trivy adapter has no TLS form of its Sentinel URL");
        assertEquals(
                "redis://primary.redis:6379/0",
                render(
                                "redis:\n  type: external\n  external:\n    addr: primary.redis:6379\n    sentinelMasterSet: \"\"\n")
                        .envValue("BERTH_REDIS_URL"));
    }

    @Test
    void harborsProxyBecomesTheOutboundClientsAndTheTrivyAdaptersProxy() throws Exception {
        String proxy = """
                proxy:
                  httpProxy: http://proxy.corp:3128
                  httpsProxy: http://proxy.corp:3129
                  noProxy: 127.0.0.1,localhost,.local,.internal,10.0.0.0/8
                """;
        Rendered r = render(proxy + "trivy:\n  enabled: true\n");
        assertEquals("http://proxy.corp:3128", r.envValue("BERTH_OUTBOUND_HTTP_PROXY"));
        assertEquals("http://proxy.corp:3129", r.envValue("BERTH_OUTBOUND_HTTPS_PROXY"));
        assertEquals("127.0.0.1,localhost,.local,.internal,10.0.0.0/8", r.envValue("BERTH_OUTBOUND_NO_PROXY"));
        Map<String, String> trivyEnv = new LinkedHashMap<>();
        for (Map<String, Object> e :
                list(map(r.get("StatefulSet", FULLNAME + "-trivy"), "spec.template.spec.containers[0]"), "env")) {
            trivyEnv.put((String) e.get("name"), (String) e.get("value"));
        }
        assertThat(trivyEnv)
                .containsEntry("HTTP_PROXY", "http://proxy.corp:3128")
                .containsEntry("HTTPS_PROXY", "http://proxy.corp:3129")
                .containsEntry("NO_PROXY", "127.0.0.1,localhost,.local,.internal,10.0.0.0/8");

        // components decide who goes through it: Berth is core and jobservice at once
        Rendered onlyTrivy = render(proxy + "  components: [trivy]\ntrivy:\n  enabled: true\n");
        assertThat(onlyTrivy.envValue("BERTH_OUTBOUND_HTTP_PROXY")).isNull();
        Rendered onlyJobs = render(proxy + "  components: [jobservice]\ntrivy:\n  enabled: true\n");
        assertEquals("http://proxy.corp:3129", onlyJobs.envValue("BERTH_OUTBOUND_HTTPS_PROXY"));
        assertThat(list(
                        map(onlyJobs.get("StatefulSet", FULLNAME + "-trivy"), "spec.template.spec.containers[0]"),
                        "env"))
                .noneSatisfy(e -> assertEquals("HTTP_PROXY", e.get("name")));
        // the defaults ask for no proxy
        assertThat(render("").env())
                .doesNotContainKeys(
                        "BERTH_OUTBOUND_HTTP_PROXY", "BERTH_OUTBOUND_HTTPS_PROXY", "BERTH_OUTBOUND_NO_PROXY");
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
                "proxy:\\n  components: [portal]\\n|/proxy/components/0",
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
}
