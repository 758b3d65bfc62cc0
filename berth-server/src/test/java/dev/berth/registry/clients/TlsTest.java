package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth serving HTTPS itself from PEM files ({@code berth.tls.certificate}, {@code berth.tls.private-key}):
 * a self-signed certificate made by openssl for this test, a Java client that trusts only it, and
 * skopeo verifying it ({@code --dest-cert-dir}) while it pushes and pulls through the token flow,
 * whose realm is then an https URL too.
 */
class TlsTest {
    @TempDir
    static Path work;

    private static BerthServer server;
    private static Path certs;
    private static URI base;
    private static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ContainerTools.installed("openssl"), "openssl is needed to make the certificate");
        certs = Files.createDirectories(work.resolve("certs"));
        Path key = work.resolve("key.pem");
        Path cert = certs.resolve("ca.crt"); // skopeo's --cert-dir takes *.crt as trusted CAs
        Process p = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        server = BerthServer.withExternalDatabase(
                Map.of("berth.tls.certificate", cert.toString(), "berth.tls.private-key", key.toString()));
        base = URI.create("https://127.0.0.1:" + server.port());
        trusting = HttpClient.newBuilder()
                .sslContext(trusting(cert))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesTheRegistryOverHttpsWithAnHttpsTokenRealm() throws Exception {
        HttpResponse<String> challenge = trusting.send(
                HttpRequest.newBuilder(base.resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"https://localhost:" + server.port() + "/service/token\"");
        HttpResponse<String> authenticated = trusting.send(
                HttpRequest.newBuilder(base.resolve("/v2/"))
                        .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(authenticated.statusCode()).isEqualTo(200);

        // A client that trusts only the JDK's CAs refuses the self-signed certificate
        HttpClient stranger = HttpClient.newHttpClient();
        try {
            stranger.send(HttpRequest.newBuilder(base.resolve("/v2/")).build(), HttpResponse.BodyHandlers.discarding());
            throw new AssertionError("the self-signed certificate was accepted without trusting it");
        } catch (SSLHandshakeException expected) {
            // as it should
        }
        // Plain HTTP on the HTTPS port gets no registry
        HttpResponse<String> plain = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v2/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
    }

    @Test
    void skopeoPushesAndPullsVerifyingTheCertificate() throws Exception {
        assumeTrue(ContainerTools.installed("skopeo"), "skopeo is not installed");
        HttpResponse<String> created = trusting.send(
                HttpRequest.newBuilder(base.resolve("/api/v2.0/projects"))
                        .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"project_name\":\"tls\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        ContainerTools tools = new ContainerTools(work.resolve("tools"));
        tools.credentials(server.hostPort(), "admin", BerthServer.ADMIN_PASSWORD);
        OciLayout source = layout(work.resolve("source"));
        String ref = "docker://" + server.hostPort() + "/tls/app:v1";

        tools.skopeo(
                        "copy",
                        "--preserve-digests",
                        "--authfile",
                        tools.authFile().toString(),
                        "--dest-tls-verify=true",
                        "--dest-cert-dir",
                        certs.toString(),
                        "oci:" + source.dir() + ":latest",
                        ref)
                .ok();
        OciLayout back = new OciLayout(work.resolve("back"));
        tools.skopeo(
                        "copy",
                        "--preserve-digests",
                        "--authfile",
                        tools.authFile().toString(),
                        "--src-tls-verify=true",
                        "--src-cert-dir",
                        certs.toString(),
                        ref,
                        "oci:" + back.dir() + ":latest")
                .ok();
        assertThat(back.manifestDigest()).isEqualTo(source.manifestDigest());
        assertThat(back.manifestBytes()).isEqualTo(source.manifestBytes());

        // Without the CA, verification fails: the certificate really is checked
        ContainerTools.Result refused =
                tools.skopeo("inspect", "--authfile", tools.authFile().toString(), "--tls-verify=true", ref);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).containsIgnoringCase("certificate");
    }

    /** A one-image OCI layout written by hand: a random layer, a config and a manifest. */
    private static OciLayout layout(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layer = new byte[2048];
        new SecureRandom().nextBytes(layer);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Digest layerDigest = write(dir, layer);
        Digest configDigest = write(dir, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                        + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest
                        + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = write(dir, manifest);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(
                dir.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
                        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
        return new OciLayout(dir);
    }

    private static Digest write(Path dir, byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), content);
        return d;
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            store.setCertificateEntry(
                    "berth", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
