package dev.berth.outbound;

/**
 * Who configured the target of an outbound call; decides which addresses it may reach.
 *
 * <p>Loopback, link-local, unspecified, multicast, broadcast and other special-purpose addresses are
 * refused at both levels. Networks in {@code berth.outbound.allowed-networks} are permitted at both.
 */
public enum Trust {
    /**
     * Targets only system administrators can configure: scanner adapters, replication and proxy-cache
     * registries, preheat providers, OIDC and other identity providers. Private addresses (10/8,
     * 172.16/12, 192.168/16, 100.64/10, fc00::/7) are permitted.
     */
    ADMINISTRATOR,

    /**
     * Targets that project-level users configure: webhooks. Private addresses are refused as well,
     * so that a project member cannot use Berth to probe the network it runs in.
     */
    PROJECT_USER
}
