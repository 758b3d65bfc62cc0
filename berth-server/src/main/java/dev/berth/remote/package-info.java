/**
 * Remote registries: Harbor's registry endpoints ({@code /api/v2.0/registries}) and the adapters
 * that speak to them. Replication policies and proxy-cache projects both point at these endpoints;
 * they use {@link dev.berth.remote.RemoteRegistries} to find one and {@link
 * dev.berth.remote.RegistryAdapters} to talk to it.
 *
 * <p>Every call to a remote goes through {@link dev.berth.outbound.OutboundHttp} at {@link
 * dev.berth.outbound.Trust#ADMINISTRATOR} level (only system administrators configure endpoints):
 * private addresses are reachable, loopback, link-local (cloud metadata) and other special
 * addresses only when listed in {@code berth.outbound.allowed-networks}. Credentials are sealed with
 * {@link dev.berth.crypto.SecretBox} before they are stored and never leave this package in a
 * response, a log line or an audit entry.
 */
package dev.berth.remote;
