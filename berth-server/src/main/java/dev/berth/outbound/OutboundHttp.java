package dev.berth.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one way Berth calls URLs that someone configured. Check a URL when it is saved with {@link
 * #check}; call it through a {@link #client} of the same {@link Trust}. The rules are applied again
 * to every address at connect time, so a check at save time is for the user's sake, not the only
 * defence.
 *
 * <pre>{@code
 * outbound.check(policy.address(), Trust.PROJECT_USER);      // at save: TargetRefusedException → 400
 *
 * OutboundClient client = outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults()
 *         .withSkipCertVerify(policy.skipCertVerify())
 *         .withHeader("Authorization", policy.authHeader()));
 * try (OutboundResponse response = client.send(OutboundRequest.post(uri, body))) { ... }
 * }</pre>
 */
@Component
public class OutboundHttp implements DisposableBean {
    private final TargetGuard guard;
    private final ClientPool pool;

    /** The application's instance: a {@link HostResolver} bean, if there is one, replaces the system's. */
    @Autowired
    public OutboundHttp(OutboundSettings settings, ObjectProvider<HostResolver> resolver) {
        this(settings, resolver.getIfAvailable(HostResolver::system));
    }

    /** An instance of its own, for tests and tools; {@link #destroy()} it when done. */
    public OutboundHttp(OutboundSettings settings, HostResolver resolver) {
        this.guard = new TargetGuard(new AddressRules(settings.networks()), resolver);
        this.pool = new ClientPool(
                guard,
                settings.caBundle().isEmpty()
                        ? TrustAllTls.verifying()
                        : TrustAllTls.verifying(
                                CaBundle.context(Path.of(settings.caBundle()), "berth.outbound.ca-bundle")),
                settings.proxies());
    }

    /**
     * Checks a URL about to be saved: scheme, syntax, and every address its host resolves to now.
     *
     * @throws TargetRefusedException with a message fit for a 400 answer to whoever configured it
     */
    public void check(URI url, Trust trust) {
        TargetUrl target = TargetUrl.parse(url, false);
        try {
            guard.permittedAddresses(target.host(), trust);
        } catch (UnknownHostException e) {
            throw new TargetRefusedException(Refusal.UNRESOLVABLE_HOST);
        }
    }

    /**
     * The addresses a connection that is not HTTP (a syslog stream) may open to {@code host}, under
     * the same rules as URLs: resolve once, check every address, connect only to these.
     *
     * @throws TargetRefusedException when the host is refused or cannot be resolved
     */
    public List<InetAddress> addressesFor(String host, Trust trust) {
        try {
            return guard.permittedAddresses(host, trust);
        } catch (UnknownHostException e) {
            throw new TargetRefusedException(Refusal.UNRESOLVABLE_HOST);
        }
    }

    /** {@link #check(URI, Trust)} for a URL as the user wrote it. */
    public void check(String url, Trust trust) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url);
        } catch (URISyntaxException e) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL);
        }
        check(uri, trust);
    }

    /**
     * A client for targets configured at {@code trust} level; cheap, thread-safe. Clients with the
     * same trust, TLS mode and timeouts share one connection pool, so take timeouts from settings
     * (a handful of values), not from a computation that differs per call.
     */
    public OutboundClient client(Trust trust, OutboundOptions options) {
        return new OutboundClient(pool.client(trust, options), options);
    }

    /** Closes the connection pools; clients taken from this instance stop working. */
    @Override
    public void destroy() {
        pool.close();
    }
}
