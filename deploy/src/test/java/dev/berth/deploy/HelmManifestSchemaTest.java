package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every rendered object read against the Kubernetes API's schemas (fabric8's models; the
 * ServiceMonitor against the prometheus-operator's CRD), and the values schema's own checks.
 */
class HelmManifestSchemaTest extends RenderedChart {
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
        assertEquals("http://proxy.corp.example:3128", fromHarbor.envValue("BERTH_OUTBOUND_HTTPS_PROXY"));
        assertThat(fromHarbor.names()).contains("StatefulSet/" + FULLNAME + "-trivy");
    }

    /** The ServiceMonitor is read against the prometheus-operator's own CRD schema (test resources crds/). */
    @Test
    void aServiceMonitorWithAWrongFieldFailsItsCrdSchema() throws Exception {
        String monitored = "metrics:\n  enabled: true\n  serviceMonitor:\n    enabled: true\n    interval: 30s\n";
        Rendered r = render(monitored);
        assertThat(KubernetesSchemaCheck.problems(r.objects())).isEmpty();
        Map<String, Object> monitor = r.get("ServiceMonitor", FULLNAME);
        Map<String, Object> endpoint = map(monitor, "spec.endpoints[0]");
        endpoint.put("intervall", "30s");
        endpoint.put("scheme", "gopher");
        map(monitor, "spec").put("jobLabel", 7);
        assertThat(KubernetesSchemaCheck.problems(r.objects()))
                .contains("monitoring.coreos.com/v1 ServiceMonitor/" + FULLNAME
                        + ": unknown field spec.endpoints[0].intervall")
                .anySatisfy(p -> assertThat(p).contains("gopher").contains("spec.endpoints[0].scheme"))
                .anySatisfy(p -> assertThat(p).contains("expected string at spec.jobLabel"));
        // a Harbor-style interval without its unit is refused by the CRD's pattern
        assertThat(KubernetesSchemaCheck.problems(
                        render(monitored.replace("30s", "\"30\"")).objects()))
                .anySatisfy(p -> assertThat(p).contains("spec.endpoints[0].interval"));
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
}
