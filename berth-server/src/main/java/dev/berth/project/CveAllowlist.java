package dev.berth.project;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A CVE allowlist, the system's ({@code projectId} 0) or a project's. One never set reads as empty
 * with id 0 and no times, as Harbor answers it.
 *
 * @param expiresAt seconds since the epoch; empty never expires
 */
public record CveAllowlist(
        long id,
        long projectId,
        Optional<Long> expiresAt,
        List<String> items,
        Optional<Instant> creationTime,
        Optional<Instant> updateTime) {
    public CveAllowlist {
        items = List.copyOf(items);
    }

    static CveAllowlist empty(long projectId) {
        return new CveAllowlist(0, projectId, Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }

    /** Harbor's rule: expired once now is at or past {@code expires_at}. */
    public boolean isExpired(Instant now) {
        return expiresAt.isPresent() && now.getEpochSecond() >= expiresAt.get();
    }
}
