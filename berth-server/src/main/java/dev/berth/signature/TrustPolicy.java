package dev.berth.signature;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A project's signature trust policy.
 *
 * @param kinds the signature kinds that may make an artifact verified ({@code cosign}, {@code notation})
 * @param version goes up with every change of the policy or of its keys; results are per version
 */
record TrustPolicy(long projectId, Mode mode, List<String> kinds, long version, Instant updateTime) {
    static final List<String> KINDS = List.of("cosign", "notation");

    TrustPolicy {
        kinds = List.copyOf(kinds);
    }

    /** What a pull of an artifact without a verified signature meets. */
    enum Mode {
        /** Nothing; results are still computed for display when the project has a policy. */
        OFF,
        /** The pull is served and an audit record names the reason. */
        WARN,
        /** The pull is refused with 412 and an audit record names the reason. */
        ENFORCE;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Optional<Mode> of(String wire) {
            for (Mode m : values()) {
                if (m.wire().equals(wire)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    boolean accepts(String kind) {
        return kinds.contains(kind);
    }
}
