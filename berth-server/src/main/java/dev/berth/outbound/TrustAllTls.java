package dev.berth.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * The TLS of outbound clients: verifying (the JDK's CAs, or those and a CA bundle's), only pinned
 * certificates, or, for clients with {@code skipCertVerify} and nothing else, any certificate and
 * any host name.
 */
final class TrustAllTls {
    private TrustAllTls() {}

    static TlsSocketStrategy verifying() {
        // the JVM's trust store (javax.net.ssl.trustStore if set) and host name verification
        return ClientTlsStrategyBuilder.create().buildClassic();
    }

    /**
     * Only the PEM certificates given are trust anchors (a pinned self-signed server certificate, or
     * a CA); host names are verified as usual. Not a certificate: {@link IllegalArgumentException}.
     */
    static TlsSocketStrategy trustingOnly(String pem) {
        try {
            Collection<? extends Certificate> pinned = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (pinned.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, CaBundle.trusting(pinned, false), null);
            return verifying(context);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** Verifying, with the CAs of this context (host names verified as ever). */
    static TlsSocketStrategy verifying(SSLContext context) {
        return ClientTlsStrategyBuilder.create().setSslContext(context).buildClassic();
    }

    static TlsSocketStrategy trustingAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AcceptAll()}, null);
            return ClientTlsStrategyBuilder.create()
                    .setSslContext(context)
                    .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                    .buildClassic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** Extended, so that the JDK does not wrap it with its own host name check. */
    private static final class AcceptAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
