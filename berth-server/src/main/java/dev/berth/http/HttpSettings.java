package dev.berth.http;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Berth reads who is calling when it sits behind proxies ({@code berth.http.*}).
 *
 * @param trustedProxies networks (CIDR, or single addresses) of the reverse proxies and load
 *     balancers in front of Berth ({@code BERTH_HTTP_TRUSTED_PROXIES}, comma-separated); only a
 *     connection from one of them may name the client in a forwarding header. Empty: none, the
 *     connection's address is the client's.
 * @param forwardedHeader the header those proxies set: {@code X-Forwarded-For} or {@code
 *     Forwarded} (RFC 7239); the other one is ignored, since a proxy passes it on as the client
 *     wrote it
 */
@ConfigurationProperties("berth.http")
public record HttpSettings(
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("X-Forwarded-For") String forwardedHeader) {}
