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

    /** A PKCS#12 key store with a self-signed EC certificate for {@code receiver.test}, not 127.0.0.1. */
    private static SSLContext selfSigned(Path keyStore)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "receiver",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=receiver.test",
                        "-ext",
                        "SAN=dns:receiver.test",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass",
                        new String(PASSWORD),
                        "-keypass",
                        new String(PASSWORD))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile())
                .start();
        int exit = process.waitFor();
        assertThat(exit).as(Files.readString(dir.resolve("keytool.log"))).isZero();

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
