package dev.berth.preheat;

import java.time.Instant;

/** A preheat policy as stored; filters, trigger and extra attributes keep Harbor's JSON strings. */
record PreheatPolicy(
        long id,
        String name,
        String description,
        long projectId,
        long providerId,
        String filters,
        String trigger,
        boolean enabled,
        String extraAttrs,
        Instant creationTime,
        Instant updateTime) {}
