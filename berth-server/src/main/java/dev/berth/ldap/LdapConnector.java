package dev.berth.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.NameResolver;
import com.unboundid.util.ssl.AggregateTrustManager;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.SocketFactory;
import javax.net.ssl.X509TrustManager;
import org.springframework.stereotype.Component;

/**
 * Opens connections to the configured directory. The host goes through the outbound rules that
 * guard every configured target ({@link OutboundHttp}, administrator trust): the addresses it
 * resolves to are checked, and the connection is opened only to those. {@code ldaps://} verifies
 * the server's certificate and host name unless {@code ldap_verify_cert} is false.
 */
@Component
class LdapConnector {
    private final OutboundHttp outbound;
    private final LdapSettings settings;

    LdapConnector(OutboundHttp outbound, LdapSettings settings) {
        this.outbound = outbound;
        this.settings = settings;
    }

    /** Where to connect: Harbor's reading of {@code ldap_url} (a bare host means ldap://, port 636 means ldaps). */
    record Target(boolean tls, String host, int port) {}

    static Target parse(String url) {
        String u = url == null ? "" : url.trim();
        if (u.isEmpty()) {
            throw new LdapUnavailableException("ldap_url is not set");
        }
        if (!u.contains("://")) {
            u = "ldap://" + u;
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new LdapUnavailableException("ldap_url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            throw new LdapUnavailableException("ldap_url must start with ldap:// or ldaps://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new LdapUnavailableException("ldap_url has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean tls = scheme.equals("ldaps") || uri.getPort() == 636;
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 636 : 389);
        return new Target(tls, host, port);
    }

    /** An unauthenticated connection to the directory; the caller binds and closes it. */
    LdapSession open(LdapConfig config) {
        Target target = parse(config.url());
        List<InetAddress> permitted;
        try {
            permitted = outbound.addressesFor(target.host(), Trust.ADMINISTRATOR);
        } catch (TargetRefusedException e) {
            throw new LdapUnavailableException("the LDAP server's address is refused: " + e.getMessage());
        }
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        int millis = Math.max(1, config.timeoutSeconds()) * 1000;
        options.setConnectTimeoutMillis(millis);
        options.setResponseTimeoutMillis(millis);
        options.setNameResolver(new Permitted(target.host(), permitted));
        options.setUseSynchronousMode(true);
        SocketFactory sockets = SocketFactory.getDefault();
        if (target.tls()) {
            try {
                sockets = new SSLUtil(trustManager(config.verifyCert())).createSSLSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new LdapUnavailableException("cannot set up TLS for the LDAP server: " + e.getMessage());
            }
            if (config.verifyCert()) {
                options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
            }
        }
        try {
            return new LdapSession(
                    new LDAPConnection(sockets, options, target.host(), target.port()), config, settings);
        } catch (LDAPException e) {
            throw new LdapUnavailableException(
                    "cannot connect to the LDAP server " + target.host() + ":" + target.port() + ": " + describe(e));
        }
    }

    private X509TrustManager trustManager(boolean verify) throws KeyStoreException {
        if (!verify) {
            return new TrustAllTrustManager();
        }
        List<X509TrustManager> managers = new ArrayList<>();
        managers.add(JVMDefaultTrustManager.getInstance());
        if (settings.trustedCa().isPresent()) {
            managers.add(new PEMFileTrustManager(settings.trustedCa().get()));
        }
        return new AggregateTrustManager(false, managers);
    }

    /** A short reason without the server's diagnostic text in full (which may echo a DN). */
    static String describe(LDAPException e) {
        return e.getResultCode().getName()
                + (e.getDiagnosticMessage() == null ? "" : " (" + shorten(e.getDiagnosticMessage()) + ")");
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** Resolves the one configured host to the addresses the outbound rules permitted, nothing else. */
    private static final class Permitted extends NameResolver {
        private final String host;
        private final List<InetAddress> addresses;

        Permitted(String host, List<InetAddress> addresses) {
            this.host = host;
            this.addresses = List.copyOf(addresses);
        }

        @Override
        public InetAddress getByName(String name) throws UnknownHostException {
            return getAllByName(name)[0];
        }

        @Override
        public InetAddress[] getAllByName(String name) throws UnknownHostException {
            if (name == null || !name.equalsIgnoreCase(host) || addresses.isEmpty()) {
                throw new UnknownHostException(name);
            }
            return addresses.toArray(InetAddress[]::new);
        }

        @Override
        public void toString(StringBuilder buffer) {
            buffer.append("PermittedAddresses(").append(host).append(')');
        }
    }
}
