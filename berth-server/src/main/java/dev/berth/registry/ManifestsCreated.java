package dev.berth.registry;

import java.util.List;

/**
 * Published inside the transaction that created manifest rows (a push through {@code /v2/}, a copy
 * between repositories), with their ids. Whoever acts only on committed manifests listens with
 * {@code @TransactionalEventListener}; a rolled-back push publishes nothing they would see.
 */
public record ManifestsCreated(List<Long> manifestIds) {
    public ManifestsCreated {
        manifestIds = List.copyOf(manifestIds);
    }
}
