package dev.berth.proxy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The proxy cache ({@code berth.proxy-cache.*}).
 *
 * @param revalidateAfter a cached tag is served without asking the upstream for this long after
 *     the upstream last answered about it; then one HEAD asks again (0: every pull asks, as Harbor)
 * @param connectTimeout how long connecting to an upstream may take before the cached copy is served
 * @param readTimeout how long an upstream may stay silent mid-answer
 * @param mirrorProject a proxy-cache project that answers pulls naming no project ({@code
 *     /v2/library/nginx/...}), so Berth serves as a {@code registry-mirrors} / containerd mirror;
 *     empty for none
 * @param fetchLease how long a replica's claim to fetch an uncached blob lasts unless renewed
 *     (renewed every third of it while the fetch runs): replicas sharing a database fetch a blob
 *     once, and a replica that dies mid-fetch lets another take over after this long
 */
@ConfigurationProperties("berth.proxy-cache")
public record ProxyCacheSettings(
        @DefaultValue("60s") Duration revalidateAfter,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("60s") Duration readTimeout,
        @DefaultValue("") String mirrorProject,
        @DefaultValue("30s") Duration fetchLease) {}
