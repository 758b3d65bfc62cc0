package dev.berth.outbound;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One HttpClient, with its own connection pool, per trust level, TLS mode (pinned certificates
 * included) and timeouts. Keeping
 * them apart matters: a pooled connection is reused without resolving again, so a connection an
 * administrator's target opened to a private address must never serve a project user's request, and
 * a connection made without certificate checks must never serve a client that checks them.
 */
final class ClientPool implements AutoCloseable {
    private record Key(
            Trust trust,
            boolean skipCertVerify,
            String trustedCertificates,
            Duration connectTimeout,
            Duration readTimeout) {}

    private final TargetGuard guard;
    private final TlsSocketStrategy verifying;
    private final Proxies proxies;
    private final ConcurrentMap<Key, CloseableHttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param verifying the TLS of clients that check certificates (the JDK's CAs, and a bundle's)
     * @param proxies where targets are sent through a proxy; {@link Proxies#NONE} to connect directly
     */
    ClientPool(TargetGuard guard, TlsSocketStrategy verifying, Proxies proxies) {
        this.guard = guard;
        this.verifying = verifying;
        this.proxies = proxies;
    }

    CloseableHttpClient client(Trust trust, OutboundOptions options) {
        Key key = new Key(
                trust,
                options.skipCertVerify(),
                options.skipCertVerify() ? "" : options.trustedCertificates(),
                options.connectTimeout(),
                options.readTimeout());
        return clients.computeIfAbsent(key, this::build);
    }

    private CloseableHttpClient build(Key key) {
        Timeout connect = timeout(key.connectTimeout());
        Timeout read = timeout(key.readTimeout());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDnsResolver(guard, key.trust()))
                .setTlsSocketStrategy(
                        key.skipCertVerify()
                                ? TrustAllTls.trustingAll()
                                : key.trustedCertificates().isEmpty()
                                        ? verifying
                                        : TrustAllTls.trustingOnly(key.trustedCertificates()))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        // Receivers close idle keep-alive connections on their own schedule (the
                        // JDK's server after 30 s, nginx after 75 s) and calls are never retried
                        // (a POST must not repeat): check a pooled connection before reusing it,
                        // or a call after a pause fails on a connection the receiver has closed.
                        .setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS)
                        .build())
                .setMaxConnTotal(100)
                .setMaxConnPerRoute(20)
                .build();
        // no system properties: proxies are Berth's own settings, and every proxied target is checked
        var builder = HttpClients.custom();
        if (!proxies.isEmpty()) {
            builder.setRoutePlanner(new ProxyRoutePlanner(proxies, guard, key.trust()));
        }
        return builder.setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("Berth")
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofMinutes(1))
                .build();
    }

    private static Timeout timeout(Duration d) {
        return Timeout.ofMilliseconds(Math.min(d.toMillis(), Integer.MAX_VALUE));
    }

    @Override
    public void close() {
        clients.values().forEach(c -> c.close(CloseMode.GRACEFUL));
        clients.clear();
    }
}
