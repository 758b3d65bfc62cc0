package dev.berth.outbound;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound connections ({@code berth.outbound.*}, or {@code BERTH_OUTBOUND_*} in the environment).
 *
 * @param allowedNetworks networks every outbound call may reach whatever the rules say otherwise,
 *     for both trust levels: {@code 10.20.0.0/16}, {@code 127.0.0.1/32}, {@code fd00::/8}; a bare
 *     address is one host. Empty by default: open exactly what is needed
 * @param caBundle a PEM file of CA certificates trusted for every outbound HTTPS call besides the
 *     JDK's own (replication peers, scanners, webhook receivers, OIDC, ...): a private CA. Empty by
 *     default
 * @param httpProxy the HTTP proxy for {@code http://} targets, {@code http://proxy.internal:3128}
 *     (Harbor's {@code proxy.httpProxy}); empty (the default) connects directly
 * @param httpsProxy the HTTP proxy for {@code https://} targets, reached with {@code CONNECT}
 *     (Harbor's {@code proxy.httpsProxy}); empty connects directly
 * @param noProxy targets that are connected to directly, comma-separated as in {@code NO_PROXY}:
 *     {@code localhost,.internal,example.com,10.0.0.0/8,*} (Harbor's {@code proxy.noProxy})
 */
@ConfigurationProperties("berth.outbound")
public record OutboundSettings(
        @DefaultValue List<String> allowedNetworks,
        @DefaultValue("") String caBundle,
        @DefaultValue("") String httpProxy,
        @DefaultValue("") String httpsProxy,
        @DefaultValue("") String noProxy) {
    public OutboundSettings {
        caBundle = caBundle == null ? "" : caBundle.trim();
        httpProxy = httpProxy == null ? "" : httpProxy.trim();
        httpsProxy = httpsProxy == null ? "" : httpsProxy.trim();
        noProxy = noProxy == null ? "" : noProxy.trim();
        allowedNetworks = List.copyOf(allowedNetworks);
        for (String network : allowedNetworks) {
            try {
                Cidr.parse(network);
            } catch (IllegalArgumentException e) {
                // the whole story in one message: Spring reports the root cause at start-up
                throw new IllegalArgumentException(
                        "berth.outbound.allowed-networks: " + e.getMessage() + " (expected CIDRs such as 10.0.0.0/8)");
            }
        }
        // read now, so that a bad proxy setting stops the start with its name
        Proxies.parse(httpProxy, httpsProxy, noProxy);
    }

    /** Settings that allow these networks and nothing else; for tests and tools. */
    public static OutboundSettings allowing(String... networks) {
        return new OutboundSettings(List.of(networks), "", "", "", "");
    }

    /** These settings with a CA bundle. */
    public OutboundSettings withCaBundle(String path) {
        return new OutboundSettings(allowedNetworks, path, httpProxy, httpsProxy, noProxy);
    }

    /** These settings with HTTP proxies and the targets that bypass them. */
    public OutboundSettings withProxies(String http, String https, String bypass) {
        return new OutboundSettings(allowedNetworks, caBundle, http, https, bypass);
    }

    List<Cidr> networks() {
        return allowedNetworks.stream().map(Cidr::parse).toList();
    }

    Proxies proxies() {
        return Proxies.parse(httpProxy, httpsProxy, noProxy);
    }
}
