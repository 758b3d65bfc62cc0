package dev.berth.preheat;

import java.time.Instant;

/** Harbor's {@code PreheatPolicy}, as sent and returned. */
record PolicyView(
        Long id,
        String name,
        String description,
        Long projectId,
        Long providerId,
        String providerName,
        String filters,
        String trigger,
        Boolean enabled,
        String extraAttrs,
        Instant creationTime,
        Instant updateTime) {
    static PolicyView of(PreheatPolicy p, String providerName) {
        return new PolicyView(
                p.id(),
                p.name(),
                p.description(),
                p.projectId(),
                p.providerId(),
                providerName,
                p.filters(),
                p.trigger(),
                p.enabled(),
                p.extraAttrs(),
                p.creationTime(),
                p.updateTime());
    }
}
