package dev.berth.iam;

import java.util.Set;

/**
 * One entry of a registry token's {@code access} claim: a repository (or {@code registry:catalog})
 * and the actions granted on it; {@code projectId} pins the grant to the project that existed when
 * the token was issued.
 */
public record RegistryAccess(String type, String name, Set<String> actions, long projectId) {
    public RegistryAccess {
        actions = Set.copyOf(actions);
    }
}
