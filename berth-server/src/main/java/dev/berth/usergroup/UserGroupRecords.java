package dev.berth.usergroup;

import dev.berth.api.ApiException;
import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import dev.berth.iam.ProjectRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code user_group} table. */
@Repository
public class UserGroupRecords {
    private static final String COLUMNS = "id, group_name, group_type, ldap_group_dn, creation_time, update_time";

    /** What {@code q} and {@code sort} may name on {@code GET /usergroups}. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("group_name", "group_name", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("group_type", "group_type", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("ldap_group_dn", "ldap_group_dn", FieldType.STRING, Use.FILTER)
            .field("creation_time", "creation_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("id")
            .tieBreaker("id")
            .build();

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;

    UserGroupRecords(JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
    }

    public Optional<UserGroup> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM user_group WHERE id = ?")
                .param(id)
                .query(UserGroupRecords::row)
                .optional();
    }

    /** Groups with this exact name, of the given type or of any type. */
    public List<UserGroup> findByName(String name, Optional<Integer> type) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM user_group WHERE group_name = ?"
                        + (type.isPresent() ? " AND group_type = ?" : "") + " ORDER BY id")
                .params(type.isPresent() ? List.of(name, type.get()) : List.of(name))
                .query(UserGroupRecords::row)
                .list();
    }

    /** The LDAP group with this DN. */
    public Optional<UserGroup> findByLdapDn(String dn) {
        return jdbc
                .sql("SELECT " + COLUMNS + " FROM user_group WHERE group_type = ? AND ldap_group_dn = ? ORDER BY id")
                .param(UserGroup.LDAP)
                .param(dn)
                .query(UserGroupRecords::row)
                .list()
                .stream()
                .findFirst();
    }

    /** Every LDAP group (type 1), to match the DNs a directory login finds against. */
    public List<UserGroup> ldapGroups() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM user_group WHERE group_type = ? ORDER BY id")
                .param(UserGroup.LDAP)
                .query(UserGroupRecords::row)
                .list();
    }

    /**
     * The ids of the OIDC groups (type 3) with these names, each created when it does not exist yet,
     * as Harbor onboards the groups of an OIDC user's groups claim at sign-in.
     */
    public List<Long> oidcGroupIds(java.util.Collection<String> names) {
        return groupIds(UserGroup.OIDC, names);
    }

    /** The same for the HTTP auth proxy's groups (type 2), named by its TokenReview answers. */
    public List<Long> httpGroupIds(java.util.Collection<String> names) {
        return groupIds(UserGroup.HTTP, names);
    }

    private List<Long> groupIds(int type, java.util.Collection<String> names) {
        List<Long> ids = new ArrayList<>();
        for (String name : names) {
            jdbc.sql("""
                            INSERT INTO user_group (group_name, group_type, ldap_group_dn) VALUES (?, ?, '')
                            ON CONFLICT (group_type, group_name) DO NOTHING
                            """).param(name).param(type).update();
            findByName(name, Optional.of(type)).stream().findFirst().ifPresent(g -> ids.add(g.id()));
        }
        return ids;
    }

    /** Whether the user administers at least one project (and so may add group members there). */
    boolean administersAProject(long userId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM project_member WHERE entity_type = 'u' AND entity_id = ?"
                        + " AND role = ?)")
                .param(userId)
                .param(ProjectRole.PROJECT_ADMIN.id())
                .query(Boolean.class)
                .single();
    }

    record Page(long total, List<UserGroup> groups) {}

    Page list(Optional<String> nameContains, Optional<String> ldapGroupDn, ListQuery query) {
        SqlFilter filter = query.toSql(FIELDS);
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        nameContains.filter(s -> !s.isEmpty()).ifPresent(s -> {
            where.append(" AND group_name ILIKE ? ESCAPE '\\'");
            params.add("%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        });
        ldapGroupDn.filter(s -> !s.isEmpty()).ifPresent(s -> {
            where.append(" AND ldap_group_dn = ?");
            params.add(s);
        });
        where.append(filter.andWhere());
        params.addAll(filter.params());
        long total = jdbc.sql("SELECT count(*) FROM user_group" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<UserGroup> groups = total == 0
                ? List.of()
                : jdbc.sql("SELECT " + COLUMNS + " FROM user_group" + where + filter.orderBy() + filter.limitOffset())
                        .params(params)
                        .query(UserGroupRecords::row)
                        .list();
        return new Page(total, groups);
    }

    /** Creates the group; 409 if one of the same type has the same name (or, for LDAP, the same DN). */
    long insert(String name, int type, String ldapGroupDn) {
        return tx.execute(status -> {
            if (type == UserGroup.LDAP
                    && jdbc.sql("SELECT count(*) FROM user_group WHERE group_type = ? AND ldap_group_dn = ?")
                                    .param(type)
                                    .param(ldapGroupDn)
                                    .query(Long.class)
                                    .single()
                            > 0) {
                throw ApiException.conflict("an LDAP group with this DN already exists");
            }
            return jdbc.sql("""
                            INSERT INTO user_group (group_name, group_type, ldap_group_dn) VALUES (?, ?, ?)
                            ON CONFLICT (group_type, group_name) DO NOTHING RETURNING id
                            """)
                    .param(name)
                    .param(type)
                    .param(ldapGroupDn)
                    .query(Long.class)
                    .optional()
                    .orElseThrow(() -> ApiException.conflict("a group of this type named " + name + " already exists"));
        });
    }

    /** Renames the group; false if it does not exist, 409 if the name is taken within its type. */
    boolean rename(long id, String name) {
        Optional<UserGroup> group = find(id);
        if (group.isEmpty()) {
            return false;
        }
        if (group.get().groupName().equals(name)) {
            return true;
        }
        if (!findByName(name, Optional.of(group.get().groupType())).isEmpty()) {
            throw ApiException.conflict("a group of this type named " + name + " already exists");
        }
        try {
            return jdbc.sql("UPDATE user_group SET group_name = ?, update_time = now() WHERE id = ?")
                            .param(name)
                            .param(id)
                            .update()
                    > 0;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw ApiException.conflict("a group of this type named " + name + " already exists");
        }
    }

    /** Deletes the group and, through {@link UserGroupDeleted}, every reference to it; false if absent. */
    boolean delete(long id) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int n = jdbc.sql("DELETE FROM user_group WHERE id = ?").param(id).update();
            if (n > 0) {
                events.publishEvent(new UserGroupDeleted(id));
            }
            return n > 0;
        }));
    }

    private static UserGroup row(ResultSet rs, int i) throws SQLException {
        return new UserGroup(
                rs.getLong("id"),
                rs.getString("group_name"),
                rs.getInt("group_type"),
                rs.getString("ldap_group_dn"),
                rs.getTimestamp("creation_time").toInstant(),
                rs.getTimestamp("update_time").toInstant());
    }
}
