package dev.berth.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.core5.http.HttpHost;

/**
 * The HTTP proxies outbound calls go through ({@code berth.outbound.http-proxy}, {@code
 * https-proxy}, {@code no-proxy}: Harbor's {@code HTTP_PROXY}, {@code HTTPS_PROXY}, {@code
 * NO_PROXY}), read as Go's {@code httpproxy} reads them, since Harbor users wrote them for it.
 *
 * <p>{@code no-proxy} entries: {@code *} (no proxy at all); an IP address or CIDR, matched against
 * a target written as an address; {@code example.com}, which matches that host and its
 * subdomains; {@code .example.com} or {@code *.example.com}, subdomains only; each optionally with
 * {@code :port}.
 */
record Proxies(Optional<Endpoint> http, Optional<Endpoint> https, List<Bypass> bypass) {
    static final Proxies NONE = new Proxies(Optional.empty(), Optional.empty(), List.of());

    /** A proxy as configured: a host (name or address) and a port. */
    record Endpoint(String host, int port) {
        /**
         * Where HttpClient connects: the proxy's address is resolved here, by the system's
         * resolver, and handed over with the name, so that the connection manager's guarded
         * resolver, which applies the rules to targets, is not asked. The proxy is the operator's
         * infrastructure (often on a private network); the target behind it is what is checked.
         */
        HttpHost httpHost() throws UnknownHostException {
            Optional<InetAddress> literal = HostLiteral.parse(host);
            InetAddress address = literal.isPresent() ? literal.get() : InetAddress.getByName(host);
            return new HttpHost("http", address, host, port);
        }
    }

    /** One {@code no-proxy} entry. */
    record Bypass(String domain, boolean matchesItself, Optional<Cidr> network, int port) {
        boolean matches(String host, int targetPort) {
            if (port > 0 && port != targetPort) {
                return false;
            }
            if (network.isPresent()) {
                Optional<InetAddress> literal;
                try {
                    literal = HostLiteral.parse(host);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                return literal.isPresent() && network.get().contains(literal.get());
            }
            return domain.equals("*") || host.endsWith("." + domain) || (matchesItself && host.equals(domain));
        }
    }

    /**
     * @throws IllegalArgumentException naming the setting when a value cannot be read
     */
    static Proxies parse(String httpProxy, String httpsProxy, String noProxy) {
        if (httpProxy.isEmpty() && httpsProxy.isEmpty()) {
            return NONE;
        }
        return new Proxies(
                endpoint("berth.outbound.http-proxy", httpProxy),
                endpoint("berth.outbound.https-proxy", httpsProxy),
                bypass(noProxy));
    }

    boolean isEmpty() {
        return http.isEmpty() && https.isEmpty();
    }

    /**
     * The proxy for a target, or empty to connect directly.
     *
     * @param host as {@link TargetUrl} has it: a canonical address or a lower-case name
     */
    Optional<Endpoint> forTarget(String scheme, String host, int port) {
        Optional<Endpoint> proxy = scheme.equals("https") ? https : http;
        if (proxy.isEmpty()) {
            return proxy;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (Bypass b : bypass) {
            if (b.matches(name, port)) {
                return Optional.empty();
            }
        }
        return proxy;
    }

    private static Optional<Endpoint> endpoint(String setting, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + ": not a URL: " + value);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(setting
                    + ": only http:// proxies are supported (https targets are tunnelled through them with CONNECT)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    setting + ": proxy credentials are not supported; allow Berth's pod in the proxy's ACLs instead");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getHost() == null || !(path.isEmpty() || path.equals("/"))) {
            throw new IllegalArgumentException(setting + ": expected http://host:port, got " + value);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new Endpoint(host, uri.getPort() < 0 ? 80 : uri.getPort()));
    }

    private static List<Bypass> bypass(String noProxy) {
        List<Bypass> entries = new ArrayList<>();
        for (String raw : noProxy.split("[,\\s]+")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                entries.add(new Bypass("*", true, Optional.empty(), 0));
                continue;
            }
            if (entry.contains("/")) {
                try {
                    entries.add(new Bypass("", false, Optional.of(Cidr.parse(entry)), 0));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("berth.outbound.no-proxy: " + e.getMessage());
                }
                continue;
            }
            int port = 0;
            String host = entry;
            int colon = entry.lastIndexOf(':');
            boolean bracketed = entry.startsWith("[");
            if (colon > 0 && (bracketed ? entry.indexOf(']') < colon : entry.indexOf(':') == colon)) {
                try {
                    port = Integer.parseInt(entry.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("berth.outbound.no-proxy: not a port in " + raw);
                }
                host = entry.substring(0, colon);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            Optional<InetAddress> literal;
            try {
                literal = HostLiteral.parse(host);
            } catch (IllegalArgumentException e) {
                literal = Optional.empty();
            }
            if (literal.isPresent()) {
                byte[] address = literal.get().getAddress();
                entries.add(new Bypass("", false, Optional.of(new Cidr(address, address.length * 8)), port));
                continue;
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean itself = !host.startsWith(".");
            String domain = itself ? host : host.substring(1);
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            entries.add(new Bypass(domain, itself, Optional.empty(), port));
        }
        return List.copyOf(entries);
    }
}
