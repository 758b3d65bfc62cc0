package dev.berth.iam;

import java.time.Instant;

/** What authorisation needs to know about a project. */
public record ProjectScope(long id, String name, boolean isPublic, Instant creationTime) {}
