package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.marcnuri.helm.Helm;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * What the chart tests share: deploy/helm/berth rendered by Helm itself (helm-java embeds Helm 3)
 * against a fake Kubernetes API (for lookups of an installed release), with the objects read back.
 */
abstract class RenderedChart {
    static final Path CHART =
            Path.of(System.getProperty("berth.deploy.dir", ".")).resolve("helm/berth");
    static final String RELEASE = "reg";
    static final String FULLNAME = "reg-berth";

    static FakeKubernetesApi cluster;
    static String installedTokenKey;

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

    Rendered render(String valuesYaml) throws Exception {
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

    void assertRenderFails(String valuesYaml, String... messageParts) {
        assertThatThrownBy(() -> render(valuesYaml))
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    static Map<String, String> mounts(Rendered r) {
        return list(r.container(), "volumeMounts").stream()
                .collect(Collectors.toMap(m -> (String) m.get("name"), m -> (String) m.get("mountPath")));
    }

    static List<String> names(Map<String, Map<String, Object>> env) {
        return List.copyOf(env.keySet());
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static String b64(String plain) {
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
