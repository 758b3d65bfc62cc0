package dev.berth.signature;

import dev.berth.event.EventPublisher;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to a project's trust policy and keys. Each change raises the policy's version and
 * publishes {@link TrustPolicyChanged} in the same transaction, so the pull path at once reads the
 * new version (for which no result exists until the trust consumer has verified again) on every
 * replica, and the consumer re-verifies the project exactly once per change.
 */
@Service
class TrustPolicies {
    static final int MAX_KEYS = 50;

    private final TrustStore store;
    private final EventPublisher events;
    private final Clock clock;

    TrustPolicies(TrustStore store, EventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** The policy, or the default a project without one has (off, cosign, version 0). */
    TrustPolicy of(long projectId) {
        return store.policy(projectId)
                .orElse(new TrustPolicy(projectId, TrustPolicy.Mode.OFF, List.of("cosign"), 0, clock.instant()));
    }

    @Transactional
    TrustPolicy put(long projectId, TrustPolicy.Mode mode, List<String> kinds) {
        TrustPolicy policy = store.putPolicy(projectId, mode, kinds, clock.instant());
        events.publish(TrustPolicyChanged.TYPE, projectId, new TrustPolicyChanged(policy.version()));
        return policy;
    }

    /** Adds a key; empty when the name is taken. */
    @Transactional
    Optional<Long> addKey(long projectId, String name, PublicKeyPem key) {
        if (store.countKeys(projectId) >= MAX_KEYS) {
            throw new IllegalArgumentException("a project trusts at most " + MAX_KEYS + " keys");
        }
        Optional<Long> id = store.addKey(projectId, name, key, clock.instant());
        if (id.isPresent()) {
            changed(projectId);
        }
        return id;
    }

    @Transactional
    boolean deleteKey(long projectId, long id) {
        boolean deleted = store.deleteKey(projectId, id);
        if (deleted) {
            changed(projectId);
        }
        return deleted;
    }

    static final int MAX_NOTATION_STORES = 20;

    /** Sets the project's Notary trust policy document (validated by the caller). */
    @Transactional
    TrustPolicy putNotationPolicy(long projectId, String document) {
        TrustPolicy policy = store.putNotationPolicy(projectId, document, clock.instant());
        events.publish(TrustPolicyChanged.TYPE, projectId, new TrustPolicyChanged(policy.version()));
        return policy;
    }

    /** Adds a Notation trust store; empty when the project has one of that type and name. */
    @Transactional
    Optional<Long> addNotationStore(long projectId, NotationTrustStore trustStore) {
        if (store.countNotationStores(projectId) >= MAX_NOTATION_STORES) {
            throw new IllegalArgumentException("a project has at most " + MAX_NOTATION_STORES + " trust stores");
        }
        Optional<Long> id = store.addNotationStore(projectId, trustStore, clock.instant());
        if (id.isPresent()) {
            changed(projectId);
        }
        return id;
    }

    @Transactional
    boolean deleteNotationStore(long projectId, long id) {
        boolean deleted = store.deleteNotationStore(projectId, id);
        if (deleted) {
            changed(projectId);
        }
        return deleted;
    }

    static final int MAX_IDENTITIES = 50;

    /** Adds a keyless identity; empty when the name is taken. */
    @Transactional
    Optional<Long> addIdentity(long projectId, KeylessIdentity identity) {
        if (store.countIdentities(projectId) >= MAX_IDENTITIES) {
            throw new IllegalArgumentException("a project trusts at most " + MAX_IDENTITIES + " keyless identities");
        }
        Optional<Long> id = store.addIdentity(projectId, identity, clock.instant());
        if (id.isPresent()) {
            changed(projectId);
        }
        return id;
    }

    @Transactional
    boolean deleteIdentity(long projectId, long id) {
        boolean deleted = store.deleteIdentity(projectId, id);
        if (deleted) {
            changed(projectId);
        }
        return deleted;
    }

    /**
     * Replaces the site's Sigstore trust root (validated by the caller), or goes back to the shipped
     * one ({@code document} empty). Every project trusting a keyless identity is verified again.
     */
    @Transactional
    void putTrustedRoot(Optional<String> document) {
        if (document.isPresent()) {
            store.putTrustedRoot(document.get(), clock.instant());
        } else if (!store.deleteTrustedRoot()) {
            return;
        }
        for (long projectId : store.projectsWithIdentities()) {
            changed(projectId);
        }
    }

    private void changed(long projectId) {
        TrustPolicy policy = store.bump(projectId, clock.instant());
        events.publish(TrustPolicyChanged.TYPE, projectId, new TrustPolicyChanged(policy.version()));
    }
}
