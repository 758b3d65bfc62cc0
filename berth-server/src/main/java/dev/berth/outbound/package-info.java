/**
 * Every HTTP call Berth makes to a URL that someone configured: webhooks now; scanner adapters,
 * replication registries, preheat providers and OIDC later. No feature opens its own HTTP client.
 *
 * <p>Use it in two places:
 *
 * <ol>
 *   <li><b>When a URL is saved</b>, call {@link dev.berth.outbound.OutboundHttp#check} with the
 *       {@link dev.berth.outbound.Trust} of whoever configures it, and turn a {@link
 *       dev.berth.outbound.TargetRefusedException} into a 400 whose message is the exception's.
 *   <li><b>When calling it</b>, take a client from {@link dev.berth.outbound.OutboundHttp#client}
 *       and {@link dev.berth.outbound.OutboundClient#send send} requests; a refused or failed call
 *       throws an {@link dev.berth.outbound.OutboundException} whose message is safe to show.
 * </ol>
 *
 * <p>The rules ({@link dev.berth.outbound.Trust}): loopback, link-local (cloud metadata included),
 * unspecified, multicast, broadcast and other special-purpose addresses are refused for everyone;
 * private addresses too for targets that project-level users configure. The networks listed in
 * {@code berth.outbound.allowed-networks} are permitted whatever their class. The rules are applied
 * to every address a host name resolves to, at save time and again inside the connection manager
 * at connect time, so that a name which resolves elsewhere later (DNS rebinding) still cannot reach
 * a refused address: the socket connects only to the addresses that were checked.
 */
package dev.berth.outbound;
