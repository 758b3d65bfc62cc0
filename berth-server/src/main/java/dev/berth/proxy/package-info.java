/**
 * Proxy-cache projects: a project with a registry endpoint ({@code registry_id}) answers pulls from
 * its cache, fetching misses from the upstream through the endpoint's adapter, verifying every
 * digest, and storing through the registry's normal write paths so quotas, GC, retention,
 * listings, audit and pull events treat cached artifacts like pushed ones. Plugs into the registry
 * core through {@link dev.berth.registry.PullThrough}; the core knows nothing of it.
 */
package dev.berth.proxy;
