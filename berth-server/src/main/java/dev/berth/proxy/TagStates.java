package dev.berth.proxy;

import dev.berth.storage.Digest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code proxy_tag_state}: what the upstream last said about each cached tag, and when. */
@Repository
class TagStates {
    private final JdbcClient jdbc;

    TagStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param upstreamDigest the digest the upstream last advertised for the tag
     * @param checkedAt when the upstream last answered about it
     * @param stale whether the last attempt to ask failed, so the cached copy was served unchecked
     */
    record State(String repository, String tag, Digest upstreamDigest, Instant checkedAt, boolean stale) {}

    Optional<State> find(String repository, String tag) {
        return jdbc.sql("SELECT repository, tag, upstream_digest, checked_at, stale FROM proxy_tag_state"
                        + " WHERE repository = ? AND tag = ?")
                .param(repository)
                .param(tag)
                .query(TagStates::row)
                .optional();
    }

    // '0' follows '/' in byte order: the range is exactly the names under project/
    private static final String OF_PROJECT =
            " FROM proxy_tag_state" + " WHERE repository COLLATE \"C\" >= ? AND repository COLLATE \"C\" < ?";

    /** A page of the states of a project's repositories ({@code project/...}), for the cache status view. */
    List<State> ofProject(String project, long offset, long limit) {
        return jdbc.sql("SELECT repository, tag, upstream_digest, checked_at, stale" + OF_PROJECT
                        + " ORDER BY repository COLLATE \"C\", tag COLLATE \"C\" LIMIT ? OFFSET ?")
                .param(project + "/")
                .param(project + "0")
                .param(limit)
                .param(offset)
                .query(TagStates::row)
                .list();
    }

    /** How many tag states a project has, and how many of them are stale. */
    record Counts(long total, long stale) {}

    Counts count(String project) {
        return jdbc.sql("SELECT count(*) AS total, count(*) FILTER (WHERE stale) AS stale" + OF_PROJECT)
                .param(project + "/")
                .param(project + "0")
                .query((rs, i) -> new Counts(rs.getLong("total"), rs.getLong("stale")))
                .single();
    }

    /** The upstream answered: the tag names {@code digest} as of {@code at}. */
    void checked(String repository, String tag, Digest digest, Instant at) {
        jdbc.sql("""
                        INSERT INTO proxy_tag_state (repository, tag, upstream_digest, checked_at, stale)
                        VALUES (?, ?, ?, ?, false)
                        ON CONFLICT (repository, tag) DO UPDATE
                        SET upstream_digest = EXCLUDED.upstream_digest, checked_at = EXCLUDED.checked_at, stale = false
                        """)
                .param(repository)
                .param(tag)
                .param(digest.toString())
                .param(Timestamp.from(at))
                .update();
    }

    /** The upstream could not be asked; the cached copy was served as it is. */
    void markStale(String repository, String tag) {
        jdbc.sql("UPDATE proxy_tag_state SET stale = true WHERE repository = ? AND tag = ?")
                .param(repository)
                .param(tag)
                .update();
    }

    private static State row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new State(
                rs.getString("repository"),
                rs.getString("tag"),
                Digest.parse(rs.getString("upstream_digest")).orElseThrow(),
                rs.getTimestamp("checked_at").toInstant(),
                rs.getBoolean("stale"));
    }
}
