package dev.berth.outbound;

import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Sends a target through the configured proxy unless {@code no-proxy} names it, and checks it first.
 *
 * <p>Through a proxy Berth never connects to the target, so the guarded resolver of the connection
 * manager, which checks every address a socket is connected to, would only see the proxy. Here the
 * target's host is resolved and checked by the same rules before the route is handed over; a
 * literal address is checked as it is. What remains (documented): the proxy resolves the name
 * again and could get another answer, so the proxy's own ACLs should refuse internal networks.
 */
final class ProxyRoutePlanner extends DefaultRoutePlanner {
    private final Proxies proxies;
    private final TargetGuard guard;
    private final Trust trust;

    ProxyRoutePlanner(Proxies proxies, TargetGuard guard, Trust trust) {
        super(DefaultSchemePortResolver.INSTANCE);
        this.proxies = proxies;
        this.guard = guard;
        this.trust = trust;
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) throws HttpException {
        String scheme = target.getSchemeName().toLowerCase(java.util.Locale.ROOT);
        int port = target.getPort() > 0 ? target.getPort() : scheme.equals("https") ? 443 : 80;
        Optional<Proxies.Endpoint> proxy = proxies.forTarget(scheme, target.getHostName(), port);
        if (proxy.isEmpty()) {
            return null;
        }
        try {
            guard.permittedAddresses(target.getHostName(), trust);
        } catch (TargetRefusedException e) {
            throw new Refused(e.reason());
        } catch (UnknownHostException e) {
            throw new Unresolved();
        }
        try {
            return proxy.get().httpHost();
        } catch (UnknownHostException e) {
            throw new ProxyUnresolved();
        }
    }

    /** The target was refused before anything was sent to the proxy. */
    static final class Refused extends HttpException {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.message());
            this.reason = reason;
        }

        Refusal reason() {
            return reason;
        }
    }

    /** The target's name does not resolve here, so it cannot be checked: nothing is sent. */
    static final class Unresolved extends HttpException {
        Unresolved() {
            super("the host name does not resolve");
        }
    }

    /** The proxy's own name does not resolve. */
    static final class ProxyUnresolved extends HttpException {
        ProxyUnresolved() {
            super("the proxy's host name does not resolve");
        }
    }
}
