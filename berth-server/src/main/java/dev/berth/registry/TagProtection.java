package dev.berth.registry;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which tags of a repository may be neither re-pointed at another manifest nor deleted (Harbor's
 * immutable tags). The registry asks inside every transaction that would move or delete an existing
 * tag, after locking what it changes; the policy package answers from its rules.
 */
public interface TagProtection {
    /**
     * The protected tags of the repository as a test on tag names, or empty when none can be.
     * Must be called inside the transaction that then changes tags: the answer holds until it ends,
     * because a rule change waits for it (and it waits for a rule change in progress).
     */
    Optional<Predicate<String>> protectedTags(long repositoryId, String repository);
}
