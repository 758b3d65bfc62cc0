package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SortKey;
import dev.berth.api.SqlFilter;
import dev.berth.api.Term;
import dev.berth.label.ArtifactLabels;
import dev.berth.storage.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads artifacts (manifests), their tags, index children and accessories from the registry's
 * tables, one page per statement plus one statement per kind of nested data for the whole page.
 * Read-only: changes go through {@code ManifestService}. See {@link RepositoryListing} for why
 * this reads the registry's tables directly.
 */
@Repository
class ArtifactQueries {
    /** Never pulled is Harbor's zero time: older than any pull, so last in {@code sort=-pull_time}. */
    private static final String NEVER_PULLED_OLDEST = "COALESCE(%s.pull_time, '-infinity'::timestamptz)";

    /** What {@code q} and {@code sort} may name; {@code tags} and {@code base} are handled apart. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "m.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("digest", "m.digest", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("type", ArtifactSql.TYPE, FieldType.STRING, Use.FILTER, Use.SORT)
            .field("media_type", ArtifactSql.MEDIA_TYPE, FieldType.STRING, Use.FILTER, Use.SORT)
            .field("manifest_media_type", "m.media_type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("artifact_type", "m.artifact_type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("push_time", "m.created_at", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("pull_time", NEVER_PULLED_OLDEST.formatted("m"), FieldType.TIME, Use.FILTER, Use.SORT)
            .field("size", ArtifactSql.SIZE, FieldType.LONG, Use.FILTER, Use.SORT)
            .defaultSort("-push_time")
            .tieBreaker("m.id")
            .build();

    static final QueryFields TAG_FIELDS = QueryFields.builder()
            .field("id", "t.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("name", "t.name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("push_time", "t.updated_at", FieldType.TIME, Use.FILTER, Use.SORT)
            .field("pull_time", NEVER_PULLED_OLDEST.formatted("t"), FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-push_time")
            .tieBreaker("t.id")
            .build();

    static final QueryFields ACCESSORY_FIELDS = QueryFields.builder()
            .field("id", "a.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("digest", "a.digest", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("type", "a.type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("size", "a.size", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("creation_time", "a.created_at", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("-creation_time")
            .tieBreaker("a.id")
            .build();

    private static final String COLUMNS = "m.id, m.repository_id, r.project_id, r.name AS repository_name, m.digest,"
            + " m.media_type, m.artifact_type, m.config_media_type, m.config_digest, m.annotations::text AS annotations,"
            + " " + ArtifactSql.TYPE + " AS type, " + ArtifactSql.MEDIA_TYPE + " AS art_media_type, "
            + ArtifactSql.SIZE + " AS total_size, m.created_at, m.pull_time, " + ConfigAttributes.KIND
            + " AS config_kind, ca.attrs AS extra_attrs";
    /** As {@link #COLUMNS}, with annotations and {@code extra_attrs} bounded as lists carry them. */
    private static final String LIST_COLUMNS = COLUMNS.replace(
                    "m.annotations::text AS annotations", ListedMetadata.ANNOTATIONS + " AS annotations")
            .replace("ca.attrs AS extra_attrs", ListedMetadata.EXTRA_ATTRS + " AS extra_attrs");
    /** The {@code extra_attrs} stored for the manifest's config, if its kind has any. */
    private static final String ATTRS_JOIN =
            " LEFT JOIN config_attributes ca ON ca.config_digest = m.config_digest AND ca.kind = "
                    + ConfigAttributes.KIND;

    private static final String FROM = " FROM manifest m JOIN repository r ON r.id = m.repository_id" + ATTRS_JOIN;

    /**
     * An artifact row, without the manifest bytes. {@code configKind} is how its config gives {@code
     * extra_attrs} ({@link ConfigAttributes#KIND}: {@code image}, {@code chart}, or null for none);
     * {@code storedExtraAttrs} is the JSON text kept in {@code config_attributes} for its config, null
     * when none is kept (yet). In rows of a list, both JSON texts are bounded ({@link ListedMetadata}):
     * {@link ListedMetadata#OMITTED} stands for one left out.
     */
    record Row(
            long id,
            long repositoryId,
            long projectId,
            String repositoryName,
            String digest,
            String manifestMediaType,
            String artifactType,
            String configMediaType,
            String configDigest,
            String annotationsJson,
            String type,
            String mediaType,
            long size,
            Instant pushTime,
            Instant pullTime,
            String configKind,
            String storedExtraAttrs) {}

    /** A tag; {@code pullTime} is null until it is pulled by name. */
    record Tag(long id, long repositoryId, long artifactId, String name, Instant pushTime, Instant pullTime) {}

    record Reference(long parentId, long childId, String childDigest, String platformJson) {}

    record Accessory(
            long id,
            String digest,
            long size,
            String type,
            Instant creationTime,
            long subjectId,
            String subjectDigest) {}

    record Page<T>(long total, List<T> rows) {}

    private final JdbcClient jdbc;

    ArtifactQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A page of the repository's artifacts; {@code q} may also hold Harbor's {@code tags} and {@code
     * base} terms. Without any filter the total is the repository's stored artifact count.
     */
    Page<Row> list(RepositoryListing.Row repository, ListQuery query) {
        long repositoryId = repository.id();
        StringBuilder where = new StringBuilder(" WHERE m.repository_id = ?");
        List<Object> params = new ArrayList<>(List.of(repositoryId));
        Conditions conditions = conditions(query, where, params);
        boolean all = conditions.all();
        SqlFilter sql = conditions.sql();
        long total = !all && query.terms().isEmpty()
                ? repository.artifactCount()
                : jdbc.sql("SELECT count(*) FROM manifest m" + where)
                        .params(params)
                        .query(Long.class)
                        .single();
        if (total == 0 || query.offset() >= total) {
            return new Page<>(total, List.of());
        }
        if (!all && query.terms().isEmpty() && newestFirst(query.sorts())) {
            // Harbor's default order: the page's ids from one index-only scan of listed_artifact (V20);
            // the repository's columns are known already.
            List<Row> rows = jdbc.sql("SELECT " + LIST_COLUMNS + " FROM (SELECT la.manifest_id, la.created_at"
                            + " FROM listed_artifact la WHERE la.repository_id = ?"
                            + " ORDER BY la.created_at DESC, la.manifest_id LIMIT ? OFFSET ?) p"
                            + " JOIN manifest m ON m.id = p.manifest_id"
                            + " CROSS JOIN (SELECT ?::bigint AS project_id, ?::text AS name) r" + ATTRS_JOIN
                            + " ORDER BY p.created_at DESC, p.manifest_id")
                    .params(repositoryId, query.pageSize(), query.offset(), repository.projectId(), repository.name())
                    .query(ArtifactQueries::row)
                    .list();
            return new Page<>(total, rows);
        }
        // The page's ids first, from the indexes where the sort allows; then only those rows' columns.
        List<Row> rows = jdbc.sql("SELECT " + LIST_COLUMNS + FROM + " WHERE m.id IN (SELECT m.id FROM manifest m"
                        + where + sql.orderBy() + sql.limitOffset() + ")" + sql.orderBy())
                .params(params)
                .query(ArtifactQueries::row)
                .list();
        return new Page<>(total, rows);
    }

    /** What a list's query adds to its WHERE: {@code all} when {@code base=*} asks for children too. */
    private record Conditions(boolean all, SqlFilter sql) {}

    /** Appends the query's tag, label and field conditions (and the top-level rule) to {@code where}. */
    private static Conditions conditions(ListQuery query, StringBuilder where, List<Object> params) {
        List<Term> plain = new ArrayList<>();
        boolean all = false;
        for (Term term : query.terms()) {
            switch (term.field()) {
                case "tags" -> tagCondition(term, where, params);
                case "labels" -> labelCondition(term, where, params);
                case "base" -> {
                    if (!(term instanceof Term.Exact e && e.value().equals("*"))) {
                        throw ApiException.badRequest("base supports only base=*");
                    }
                    all = true;
                }
                default -> plain.add(term);
            }
        }
        if (!all) {
            where.append(" AND ").append(ArtifactSql.TOP_LEVEL);
        }
        SqlFilter sql = new ListQuery(plain, query.sorts(), query.page(), query.pageSize()).toSql(FIELDS);
        where.append(sql.andWhere());
        params.addAll(sql.params());
        return new Conditions(all, sql);
    }

    /**
     * The artifacts of every repository of a project ({@code GET /projects/{p}/artifacts}); with
     * {@code latestInRepository}, only the most recently pushed of each repository among those the
     * query selects.
     */
    Page<Row> listOfProject(long projectId, ListQuery query, boolean latestInRepository) {
        StringBuilder where = new StringBuilder(" WHERE r.project_id = ?");
        List<Object> params = new ArrayList<>(List.of(projectId));
        SqlFilter sql = conditions(query, where, params).sql();
        String selected = latestInRepository
                ? "SELECT DISTINCT ON (m.repository_id) m.id FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + where + " ORDER BY m.repository_id, m.created_at DESC, m.id DESC"
                : "SELECT m.id FROM manifest m JOIN repository r ON r.id = m.repository_id" + where;
        long total = jdbc.sql("SELECT count(*) FROM (" + selected + ") s")
                .params(params)
                .query(Long.class)
                .single();
        if (total == 0 || query.offset() >= total) {
            return new Page<>(total, List.of());
        }
        List<Row> rows = jdbc.sql("SELECT " + LIST_COLUMNS + FROM + " WHERE m.id IN (SELECT m.id FROM manifest m"
                        + " JOIN repository r ON r.id = m.repository_id WHERE m.id IN (" + selected + ")"
                        + sql.orderBy() + sql.limitOffset() + ")" + sql.orderBy())
                .params(params)
                .query(ArtifactQueries::row)
                .list();
        return new Page<>(total, rows);
    }

    /** No sort asked for, or {@code sort=-push_time}: the default order, ties broken by id. */
    private static boolean newestFirst(List<SortKey> sorts) {
        return sorts.isEmpty()
                || (sorts.size() == 1
                        && sorts.getFirst().field().equals("push_time")
                        && sorts.getFirst().descending());
    }

    /** Harbor's {@code tags=*} (tagged), {@code tags=nil} (untagged), {@code tags=v1}, {@code tags=~v}. */
    private static void tagCondition(Term term, StringBuilder where, List<Object> params) {
        switch (term) {
            case Term.Exact e
            when e.value().equals("*") ->
                where.append(" AND EXISTS (SELECT 1 FROM tag qt WHERE qt.manifest_id = m.id)");
            case Term.Exact e
            when e.value().equals("nil") ->
                where.append(" AND NOT EXISTS (SELECT 1 FROM tag qt WHERE qt.manifest_id = m.id)");
            case Term.Exact e -> {
                where.append(" AND EXISTS (SELECT 1 FROM tag qt WHERE qt.manifest_id = m.id AND qt.name = ?)");
                params.add(e.value());
            }
            case Term.Fuzzy f -> {
                where.append(" AND EXISTS (SELECT 1 FROM tag qt WHERE qt.manifest_id = m.id"
                        + " AND qt.name ILIKE ? ESCAPE '\\')");
                params.add("%"
                        + f.value().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            }
            default -> throw ApiException.badRequest("tags supports tags=*, tags=nil, tags=<name> and tags=~<part>");
        }
    }

    /** Harbor's {@code labels=(id1 id2)} (carries all) and {@code labels={id1 id2}} (carries any); {@code labels=id}. */
    private static void labelCondition(Term term, StringBuilder where, List<Object> params) {
        List<String> ids;
        String joiner;
        switch (term) {
            case Term.Exact e -> {
                ids = List.of(e.value());
                joiner = " AND ";
            }
            case Term.AllOf a -> {
                ids = a.values();
                joiner = " AND ";
            }
            case Term.AnyOf a -> {
                ids = a.values();
                joiner = " OR ";
            }
            default ->
                throw ApiException.badRequest("labels supports labels=<id>, labels=(id1 id2) and labels={id1 id2}");
        }
        if (ids.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        for (String id : ids) {
            try {
                params.add(Long.parseLong(id));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("labels takes label ids");
            }
            parts.add(ArtifactLabels.HAS_LABEL);
        }
        where.append(" AND (").append(String.join(joiner, parts)).append(')');
    }

    Optional<Row> find(long repositoryId, Digest digest) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE m.repository_id = ? AND m.digest = ?")
                .param(repositoryId)
                .param(digest.toString())
                .query(ArtifactQueries::row)
                .optional();
    }

    Optional<Row> findByTag(long repositoryId, String tag) {
        return jdbc.sql("SELECT " + COLUMNS + FROM
                        + " JOIN tag t ON t.manifest_id = m.id WHERE t.repository_id = ? AND t.name = ?")
                .param(repositoryId)
                .param(tag)
                .query(ArtifactQueries::row)
                .optional();
    }

    /** The manifest's bytes. */
    byte[] content(long manifestId) {
        return jdbc.sql("SELECT content FROM manifest WHERE id = ?")
                .param(manifestId)
                .query(byte[].class)
                .single();
    }

    /** The tags of each of the artifacts, by name. */
    Map<Long, List<Tag>> tags(Collection<Long> artifactIds) {
        Map<Long, List<Tag>> byArtifact = new LinkedHashMap<>();
        if (artifactIds.isEmpty()) {
            return byArtifact;
        }
        jdbc.sql("SELECT t.id, t.repository_id, t.manifest_id, t.name, t.updated_at, t.pull_time FROM tag t"
                        + " WHERE t.manifest_id = ANY (?) ORDER BY t.name")
                .param(artifactIds.toArray(Long[]::new))
                .query(ArtifactQueries::tag)
                .list()
                .forEach(t -> byArtifact
                        .computeIfAbsent(t.artifactId(), k -> new ArrayList<>())
                        .add(t));
        return byArtifact;
    }

    Page<Tag> tagPage(long artifactId, ListQuery query) {
        SqlFilter sql = query.toSql(TAG_FIELDS);
        String where = " FROM tag t WHERE t.manifest_id = ?" + sql.andWhere();
        List<Object> params = sql.paramsAfter(artifactId);
        long total = jdbc.sql("SELECT count(*)" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<Tag> rows = total == 0
                ? List.of()
                : jdbc.sql("SELECT t.id, t.repository_id, t.manifest_id, t.name, t.updated_at, t.pull_time" + where
                                + sql.orderBy() + sql.limitOffset())
                        .params(params)
                        .query(ArtifactQueries::tag)
                        .list();
        return new Page<>(total, rows);
    }

    /** The children each index lists, with their platforms. */
    Map<Long, List<Reference>> references(Collection<Long> artifactIds) {
        Map<Long, List<Reference>> byParent = new LinkedHashMap<>();
        if (artifactIds.isEmpty()) {
            return byParent;
        }
        jdbc.sql("""
                        SELECT r.parent_id, r.child_id, c.digest, r.platform::text FROM manifest_reference r
                        JOIN manifest c ON c.id = r.child_id WHERE r.parent_id = ANY (?) ORDER BY r.parent_id, c.digest
                        """)
                .param(artifactIds.toArray(Long[]::new))
                .query((rs, i) -> new Reference(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)))
                .list()
                .forEach(r -> byParent.computeIfAbsent(r.parentId(), k -> new ArrayList<>())
                        .add(r));
        return byParent;
    }

    /** Accessories of the given subjects (artifact id to digest) in the repository, a page of them. */
    Page<Accessory> accessories(long repositoryId, Map<Long, String> subjects, ListQuery query) {
        if (subjects.isEmpty()) {
            return new Page<>(0, List.of());
        }
        SqlFilter sql = query.toSql(ACCESSORY_FIELDS);
        AccessorySource source = AccessorySource.of(repositoryId, subjects);
        List<Object> params = sql.paramsAfter(source.params());
        long total = jdbc.sql("SELECT count(*) FROM (" + AccessorySource.SQL + ") a WHERE TRUE" + sql.andWhere())
                .params(params)
                .query(Long.class)
                .single();
        List<Accessory> rows = total == 0
                ? List.of()
                : jdbc.sql(AccessorySource.SELECT + sql.andWhere() + sql.orderBy() + sql.limitOffset())
                        .params(params)
                        .query(source::accessory)
                        .list();
        return new Page<>(total, rows);
    }

    /**
     * Up to {@code limit} accessories of a page of artifacts (id to digest), newest first, to nest in
     * the list: no count, and nothing read but what the subjects' digests find in the repository's
     * partial indexes, so a page whose artifacts have none costs two empty index probes.
     */
    List<Accessory> nestedAccessories(long repositoryId, Map<Long, String> subjects, long limit) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        AccessorySource source = AccessorySource.of(repositoryId, subjects);
        return jdbc.sql(AccessorySource.SELECT + " ORDER BY a.created_at DESC, a.id LIMIT ?")
                .params(List.of(source.params()))
                .param(limit)
                .query(source::accessory)
                .list();
    }

    /**
     * Where accessories of some subjects are found: artifacts of the repository naming one as their
     * {@code subject} (index {@code manifest_subject}), and artifacts tagged {@code
     * sha256-<hex>.sig|.att|.sbom} after one (index {@code tag_cosign_name}, V20), unless that
     * artifact names the subject anyway. Subject ids are put back in Java from the digests.
     */
    private record AccessorySource(long repositoryId, Map<String, Long> idOf, String[] digests, String[] tagNames) {
        static final String SQL =
                """
                SELECT m.id, m.digest, %1$s AS size, %2$s AS type, m.created_at, m.subject_digest
                FROM manifest m WHERE m.repository_id = ? AND m.subject_digest = ANY (?)
                UNION
                SELECT m.id, m.digest, %1$s, %3$s, m.created_at, 'sha256:' || substr(ct.name, 8, 64)
                FROM tag ct JOIN manifest m ON m.id = ct.manifest_id
                WHERE ct.repository_id = ? AND ct.name = ANY (?)
                  AND ct.name ~ '^sha256-[0-9a-f]{64}\\.(sig|att|sbom)$'
                  AND m.subject_digest IS DISTINCT FROM 'sha256:' || substr(ct.name, 8, 64)""".formatted(ArtifactSql.SIZE, ArtifactSql.SUBJECT_ACCESSORY_TYPE, ArtifactSql.TAG_ACCESSORY_TYPE);
        static final String SELECT =
                "SELECT a.id, a.digest, a.size, a.type, a.created_at, a.subject_digest FROM (" + SQL + ") a WHERE TRUE";

        static AccessorySource of(long repositoryId, Map<Long, String> subjects) {
            Map<String, Long> idOf = new HashMap<>();
            List<String> names = new ArrayList<>();
            subjects.forEach((id, digest) -> {
                idOf.put(digest, id);
                if (digest.startsWith("sha256:")) {
                    String scheme = "sha256-" + digest.substring("sha256:".length());
                    names.add(scheme + ".sig");
                    names.add(scheme + ".att");
                    names.add(scheme + ".sbom");
                }
            });
            return new AccessorySource(
                    repositoryId, idOf, idOf.keySet().toArray(String[]::new), names.toArray(String[]::new));
        }

        Object[] params() {
            return new Object[] {repositoryId, digests, repositoryId, tagNames};
        }

        Accessory accessory(ResultSet rs, int i) throws SQLException {
            String subject = rs.getString(6);
            return new Accessory(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getString(4),
                    rs.getTimestamp(5).toInstant(),
                    idOf.get(subject),
                    subject);
        }
    }

    private static Tag tag(ResultSet rs, int i) throws SQLException {
        return new Tag(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getTimestamp(5).toInstant(),
                rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant());
    }

    private static Row row(ResultSet rs, int i) throws SQLException {
        return new Row(
                rs.getLong("id"),
                rs.getLong("repository_id"),
                rs.getLong("project_id"),
                rs.getString("repository_name"),
                rs.getString("digest"),
                rs.getString("media_type"),
                rs.getString("artifact_type"),
                rs.getString("config_media_type"),
                rs.getString("config_digest"),
                rs.getString("annotations"),
                rs.getString("type"),
                rs.getString("art_media_type"),
                rs.getLong("total_size"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("pull_time") == null
                        ? null
                        : rs.getTimestamp("pull_time").toInstant(),
                rs.getString("config_kind"),
                rs.getString("extra_attrs"));
    }
}
