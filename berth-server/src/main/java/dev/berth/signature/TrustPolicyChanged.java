package dev.berth.signature;

import dev.berth.event.EventType;

/**
 * The data of {@link #TYPE}: a project's trust policy or keys changed, so every artifact of the
 * project is verified again under {@code version}.
 */
record TrustPolicyChanged(long version) {
    static final EventType TYPE = EventType.of("TRUST_POLICY_CHANGED");
}
