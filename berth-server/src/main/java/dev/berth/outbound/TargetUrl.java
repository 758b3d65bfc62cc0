package dev.berth.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.HttpHost;

/**
 * An http(s) URL taken apart by Berth's own reading of its authority: the host as it will be
 * resolved and connected to (an IP address in canonical form, or a lower-case name), the port and
 * the path with its query.
 */
record TargetUrl(URI uri, String scheme, String host, int port, String pathAndQuery) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /**
     * @param redirect whether the URL came from a {@code Location} header (for the refusal message)
     * @throws TargetRefusedException for a scheme other than http(s), user info, or no valid host
     */
    static TargetUrl parse(URI uri, boolean redirect) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new TargetRefusedException(Refusal.UNSUPPORTED_SCHEME, redirect);
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
        }
        if (authority.contains("@")) {
            throw new TargetRefusedException(Refusal.CREDENTIALS_IN_URL, redirect);
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) {
                throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
            }
            host = authority.substring(1, end);
            portText = port(authority.substring(end + 1), redirect);
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? "" : port(authority.substring(colon), redirect);
        }
        int port = portText.isEmpty() ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
        }
        String canonical = canonicalHost(host.toLowerCase(Locale.ROOT), redirect);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new TargetUrl(uri, scheme, canonical, port, pathAndQuery);
    }

    /**
     * Where HttpClient sends the request: the scheme's default port is left implicit, so that the
     * {@code Host} header reads {@code hooks.example.com}, as other clients send it, not {@code
     * hooks.example.com:443}.
     */
    HttpHost httpHost() {
        boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
        return new HttpHost(scheme, host, defaultPort ? -1 : port);
    }

    /** Whether a redirect stays with the target its owner configured (scheme, host and port). */
    boolean sameOrigin(TargetUrl other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
    }

    private static String port(String rest, boolean redirect) {
        if (rest.isEmpty() || rest.equals(":")) {
            return "";
        }
        if (!rest.startsWith(":") || !PORT.matcher(rest.substring(1)).matches()) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
        }
        return rest.substring(1);
    }

    private static String canonicalHost(String host, boolean redirect) {
        Optional<InetAddress> literal;
        try {
            literal = HostLiteral.parse(host);
        } catch (IllegalArgumentException e) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
        }
        if (literal.isPresent()) {
            return HostLiteral.canonical(literal.get());
        }
        if (host.length() > 253 || !NAME.matcher(host).matches()) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL, redirect);
        }
        return host;
    }
}
