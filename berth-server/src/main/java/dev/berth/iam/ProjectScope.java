package dev.berth.iam;

import java.time.Instant;

/**
 * What authorisation needs to know about a project. {@code proxyCache}: a proxy cache of another
 * registry (Harbor's {@code registry_id}, fixed at creation), into which nobody pushes.
 */
public record ProjectScope(long id, String name, boolean isPublic, Instant creationTime, boolean proxyCache) {}
