package dev.berth.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Extra CA certificates (a PEM bundle) trusted besides the JDK's own. */
public final class CaBundle {
    private CaBundle() {}

    /**
     * The JDK's trusted CAs and those of the bundle.
     *
     * @param setting the setting that named the file, for the message when it cannot be used
     */
    public static TrustManager[] trustManagers(Path bundle, String setting) {
        try {
            Collection<? extends Certificate> bundled;
            try (InputStream in = Files.newInputStream(bundle)) {
                bundled = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (bundled.isEmpty()) {
                throw new IllegalStateException(setting + " " + bundle + " holds no certificate");
            }
            return trusting(bundled, true);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(setting + " " + bundle + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Trust managers whose anchors are these certificates, and the JDK's CAs too if asked. */
    static TrustManager[] trusting(Collection<? extends Certificate> anchors, boolean alsoJdk)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        if (alsoJdk) {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            for (TrustManager manager : jdk.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
        }
        for (Certificate ca : anchors) {
            store.setCertificateEntry("anchor-" + n++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** A TLS context that trusts the JDK's CAs and the bundle's. */
    static SSLContext context(Path bundle, String setting) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(bundle, setting), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
