package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skip_cert_verify} against an HTTPS receiver on 127.0.0.1 whose self-signed certificate
 * (made by the JDK's keytool) names another host: refused by default, accepted when skipped, and
 * only for the client that asked.
 */
class OutboundTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final OutboundHttp outbound =
            new OutboundHttp(OutboundSettings.allowing("127.0.0.1/32"), HostResolver.system());

    @TempDir
    static Path dir;

    private static SSLContext tls;

    @BeforeAll
    static void makeCertificate() throws Exception {
        tls = selfSigned(dir.resolve("receiver.p12"));
    }

    @AfterAll
    static void stop() {
        outbound.destroy();
    }

    @Test
    void anUntrustedCertificateIsRefusedUnlessVerificationIsSkipped() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.https("127.0.0.1", tls, LocalReceiver.ok())) {
            untrustedUnlessSkipped(receiver);
        }
    }

    private static void untrustedUnlessSkipped(LocalReceiver receiver) throws IOException {
        assertThatThrownBy(() -> outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                        .send(OutboundRequest.get(receiver.url("/verified"))))
                .isInstanceOfSatisfying(OutboundException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OutboundException.Kind.TLS);
                    assertThat(e.getMessage()).isEqualTo("TLS: the certificate is not trusted");
                });
        assertThat(receiver.received()).isEmpty();

        try (OutboundResponse response = outbound.client(
                        Trust.PROJECT_USER, OutboundOptions.defaults().withSkipCertVerify(true))
                .send(OutboundRequest.get(receiver.url("/skipped")))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().readAllBytes()).asString().isEqualTo("ok");
        }
        assertThat(receiver.received())
                .singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/skipped"));
    }

    @Test
    void aConnectionMadeWithoutVerificationIsNeverReusedByAVerifyingClient() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.https("127.0.0.1", tls, LocalReceiver.ok())) {
            skippingThenVerifying(receiver);
        }
    }

    private static void skippingThenVerifying(LocalReceiver receiver) throws IOException {
        OutboundClient skipping =
                outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults().withSkipCertVerify(true));
        OutboundClient verifying = outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults());
        for (int i = 0; i < 2; i++) {
            try (OutboundResponse response = skipping.send(OutboundRequest.get(receiver.url("/pooled")))) {
                // read to the end, so that the connection goes back to the pool for reuse
                assertThat(response.body().readAllBytes()).asString().isEqualTo("ok");
            }
            assertThatThrownBy(() -> verifying.send(OutboundRequest.get(receiver.url("/pooled"))))
                    .isInstanceOfSatisfying(
                            OutboundException.class, e -> assertThat(e.kind()).isEqualTo(OutboundException.Kind.TLS));
        }
    }

    /**
     * A private CA's certificate for 127.0.0.1 ({@code berth.outbound.ca-bundle}, the chart's
     * {@code caBundleSecretName}): untrusted without the bundle, trusted with it, host name still
     * checked; a bundle without a certificate stops the client being made.
     */
    @Test
    void aCaBundleMakesAPrivateCertificateTrusted() throws Exception {
        SSLContext loopback = selfSigned(dir.resolve("loopback.p12"), "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Path bundle = dir.resolve("bundle.pem");
        exportCertificate(dir.resolve("loopback.p12"), bundle);
        OutboundHttp withBundle = new OutboundHttp(
                OutboundSettings.allowing("127.0.0.1/32").withCaBundle(bundle.toString()), HostResolver.system());
        try (LocalReceiver receiver = LocalReceiver.https("127.0.0.1", loopback, LocalReceiver.ok())) {
            assertThatThrownBy(() -> outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                            .send(OutboundRequest.get(receiver.url("/without"))))
                    .isInstanceOfSatisfying(
                            OutboundException.class, e -> assertThat(e.kind()).isEqualTo(OutboundException.Kind.TLS));
            try (OutboundResponse response = withBundle
                    .client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(receiver.url("/with")))) {
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(receiver.received())
                    .singleElement()
                    .satisfies(r -> assertThat(r.path()).isEqualTo("/with"));
        } finally {
            withBundle.destroy();
        }
        // The receiver.test certificate is trusted by its bundle too, but it names another host.
        Path otherBundle = dir.resolve("other.pem");
        exportCertificate(dir.resolve("receiver.p12"), otherBundle);
        OutboundHttp wrongHost = new OutboundHttp(
                OutboundSettings.allowing("127.0.0.1/32").withCaBundle(otherBundle.toString()), HostResolver.system());
        try (LocalReceiver receiver = LocalReceiver.https("127.0.0.1", tls, LocalReceiver.ok())) {
            assertThatThrownBy(() -> wrongHost
                            .client(Trust.PROJECT_USER, OutboundOptions.defaults())
                            .send(OutboundRequest.get(receiver.url("/wrong-host"))))
                    .isInstanceOf(OutboundException.class);
            assertThat(receiver.received()).isEmpty();
        } finally {
            wrongHost.destroy();
        }
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> new OutboundHttp(
                        OutboundSettings.allowing("127.0.0.1/32").withCaBundle(empty.toString()),
                        HostResolver.system()))
                .hasMessageContaining("berth.outbound.ca-bundle")
                .hasMessageContaining("holds no certificate");
    }

    /** The key store's certificate as PEM: a CA bundle that trusts it. */
    private static void exportCertificate(Path keyStore, Path pem) throws IOException, InterruptedException {
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "receiver",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-file",
                pem.toString());
    }

    /** The JDK's keytool with these arguments; its output in keytool.log when it fails. */
    private static void keytool(String... args) throws IOException, InterruptedException {
        keytool(dir, args);
    }

    /** The JDK's keytool with these arguments; its output in {@code work}/keytool.log when it fails. */
    static void keytool(Path work, String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(keytool.toString()));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("keytool.log").toFile())
                .start();
        assertThat(process.waitFor())
                .as(Files.readString(work.resolve("keytool.log")))
                .isZero();
    }

    private static SSLContext selfSigned(Path keyStore)
            throws IOException, InterruptedException, GeneralSecurityException {
        return selfSigned(keyStore, "CN=receiver.test", "SAN=dns:receiver.test");
    }

    /** A PKCS#12 key store with a self-signed EC certificate: for {@code receiver.test}, not 127.0.0.1, by default. */
    static SSLContext selfSigned(Path keyStore, String dname, String san)
            throws IOException, InterruptedException, GeneralSecurityException {
        keytool(
                keyStore.getParent(),
                "-genkeypair",
                "-alias",
                "receiver",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-ext",
                san,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD));

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
