package dev.berth.api;

import static dev.berth.api.QueryField.Use.ALL_OF;
import static dev.berth.api.QueryField.Use.FILTER;
import static dev.berth.api.QueryField.Use.SORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryFieldsTest {
    // Like a user table: the secret columns exist but are not in the allow-list.
    static final QueryFields USERS = QueryFields.builder()
            .field("username", "u.username", FieldType.STRING, FILTER, SORT)
            .field("user_id", "u.user_id", FieldType.LONG, FILTER, SORT)
            .field("admin", "u.sysadmin_flag", FieldType.BOOLEAN, FILTER)
            .field("creation_time", "u.creation_time", FieldType.TIME, FILTER, SORT)
            .field("update_time", "u.update_time", FieldType.TIME, SORT)
            .field("group_id", "u.group_id", FieldType.LONG, FILTER, ALL_OF)
            .defaultSort("-creation_time")
            .tieBreaker("u.user_id")
            .build();

    private static SqlFilter sql(String q) {
        return sql(q, null);
    }

    private static SqlFilter sql(String q, String sort) {
        return ListQuery.parse(Optional.ofNullable(q), Optional.ofNullable(sort), Optional.empty(), Optional.empty())
                .toSql(USERS);
    }

    private static void assertRejected(String q, String sort, String message) {
        assertThatThrownBy(() -> sql(q, sort))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(ApiErrorCode.BAD_REQUEST))
                .hasMessageContaining(message);
    }

    @Test
    void noQueryMeansNoConditionsAndTheDefaultOrder() {
        SqlFilter filter = sql(null);
        assertThat(filter.andWhere()).isEmpty();
        assertThat(filter.where()).isEmpty();
        assertThat(filter.params()).isEmpty();
        assertThat(filter.orderBy()).isEqualTo(" ORDER BY u.creation_time DESC, u.user_id ASC");
        assertThat(filter.limitOffset()).isEqualTo(" LIMIT 10 OFFSET 0");
    }

    @Test
    void exactMatchConvertsToTheFieldType() {
        SqlFilter filter = sql("username=alice,user_id=7,admin=TRUE,creation_time=2020-04-09 02:36:00");
        assertThat(filter.conditions())
                .containsExactly("u.username = ?", "u.user_id = ?", "u.sysadmin_flag = ?", "u.creation_time = ?");
        assertThat(filter.params())
                .containsExactly("alice", 7L, true, OffsetDateTime.of(2020, 4, 9, 2, 36, 0, 0, ZoneOffset.UTC));
        assertThat(filter.andWhere())
                .isEqualTo(
                        " AND (u.username = ?) AND (u.user_id = ?) AND (u.sysadmin_flag = ?) AND (u.creation_time = ?)");
        assertThat(filter.where()).startsWith(" WHERE (u.username = ?) AND (u.user_id = ?)");
    }

    @Test
    void timesWithTOffsetsAndFractions() {
        assertThat(sql("creation_time=2020-04-09T02:36:00").params())
                .containsExactly(OffsetDateTime.of(2020, 4, 9, 2, 36, 0, 0, ZoneOffset.UTC));
        assertThat(sql("creation_time=\"2020-04-09 04:36:00.5+02:00\"").params())
                .containsExactly(OffsetDateTime.of(2020, 4, 9, 4, 36, 0, 500_000_000, ZoneOffset.ofHours(2)));
        assertThat(sql("creation_time=2020-04-09T02:36:00Z").params())
                .containsExactly(OffsetDateTime.of(2020, 4, 9, 2, 36, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void fuzzyMatchEscapesLikeWildcards() {
        SqlFilter filter = sql("username=~a%b_c\\d");
        assertThat(filter.conditions()).containsExactly("u.username ILIKE ? ESCAPE '\\'");
        assertThat(filter.params()).containsExactly("%a\\%b\\_c\\\\d%");
    }

    @Test
    void rangeBindsOnlyTheGivenBounds() {
        assertThat(sql("user_id=[2~5]").conditions()).containsExactly("u.user_id >= ? AND u.user_id <= ?");
        assertThat(sql("user_id=[2~5]").params()).containsExactly(2L, 5L);
        assertThat(sql("user_id=[2~]").conditions()).containsExactly("u.user_id >= ?");
        assertThat(sql("creation_time=[~2020-01-01 00:00:00]").conditions()).containsExactly("u.creation_time <= ?");
    }

    @Test
    void unionIsInAndEmptyUnionIsNoCondition() {
        assertThat(sql("user_id={1 2 3}").conditions()).containsExactly("u.user_id IN (?, ?, ?)");
        assertThat(sql("user_id={1 2 3}").params()).containsExactly(1L, 2L, 3L);
        assertThat(sql("user_id={}").conditions()).isEmpty();
    }

    @Test
    void intersectionOnlyWhereDeclared() {
        assertThat(sql("group_id=(4 5)").conditions()).containsExactly("u.group_id = ? AND u.group_id = ?");
        assertThat(sql("group_id=(4 5)").params()).containsExactly(4L, 5L);
        assertRejected("user_id=(4 5)", null, "intersection list (…) is not supported on query field \"user_id\"");
    }

    @Test
    void sortFollowsTheClientThenTheTieBreaker() {
        assertThat(sql(null, "username,-update_time").orderBy())
                .isEqualTo(" ORDER BY u.username ASC, u.update_time DESC, u.user_id ASC");
        assertThat(sql(null, "-user_id").orderBy()).isEqualTo(" ORDER BY u.user_id DESC");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "password=~a",
                "salt=a",
                "secret=~x",
                "access_secret=~y",
                "u.password=~a",
                "Username=a",
                "username)=a",
                "username;DROP TABLE x=1",
                "1=1",
                "username OR 1=1",
                "update_time=2020-01-01 00:00:00", // sortable but not filterable
            })
    void qOnFieldsOutsideTheAllowListIsRefused(String q) {
        assertRejected(q, null, "in q; supported: username, user_id, admin, creation_time, group_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "-salt", "admin", "group_id", "username;DROP TABLE x", "u.user_id", "1"})
    void sortOnFieldsOutsideTheAllowListIsRefused(String sort) {
        assertRejected(null, sort, "in sort; supported: username, user_id, creation_time, update_time");
    }

    @Test
    void refusalNamesTheFieldQuoted() {
        assertRejected("password=~a", null, "unsupported field \"password\" in q");
    }

    @Test
    void valuesOfTheWrongTypeAreRefused() {
        assertRejected("user_id=abc", null, "invalid value \"abc\" for query field \"user_id\": expected an integer");
        assertRejected("user_id=1 OR 1=1", null, "expected an integer");
        assertRejected("user_id={1 x}", null, "expected an integer");
        assertRejected("user_id=[1~x]", null, "expected an integer");
        assertRejected("admin=yes", null, "expected true or false");
        assertRejected("creation_time=yesterday", null, "expected a time");
        assertRejected("creation_time=2020-04-09", null, "expected a time");
        assertRejected("user_id=~1", null, "fuzzy match (~) is not supported on non-text query field \"user_id\"");
        assertRejected("admin=[true~]", null, "range [min~max] is not supported on boolean query field \"admin\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "'; DROP TABLE users;--",
                "' OR '1'='1",
                "\" OR \"\"=\"",
                "x') UNION SELECT password FROM users--",
                "%",
                "_",
                "\\",
                "$1",
                "?",
                "/* */",
            })
    void injectionInValuesOnlyEverReachesParameters(String value) {
        String quoted = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        assertSqlAndParam("username=" + quoted, " AND (u.username = ?)", value);
        assertSqlAndParam(
                "username=~" + quoted,
                " AND (u.username ILIKE ? ESCAPE '\\')",
                "%" + ConditionWriter.escapeLike(value) + "%");
        assertSqlAndParam("username={" + quoted + "}", " AND (u.username IN (?))", value);
        assertSqlAndParam("username=[" + quoted + "~]", " AND (u.username >= ?)", value);
    }

    private static void assertSqlAndParam(String q, String andWhere, Object param) {
        SqlFilter filter = sql(q);
        assertThat(filter.andWhere()).isEqualTo(andWhere);
        assertThat(filter.orderBy()).isEqualTo(" ORDER BY u.creation_time DESC, u.user_id ASC");
        assertThat(filter.params()).containsExactly(param);
    }

    @Test
    void builderRefusesUnsafeDeclarations() {
        assertThatThrownBy(() ->
                        new QueryField("name", "p.name; DROP TABLE p", FieldType.STRING, java.util.Set.of(FILTER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueryField("name", "p.name -- x", FieldType.STRING, java.util.Set.of(FILTER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueryField("name", "p.name = ?", FieldType.STRING, java.util.Set.of(FILTER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueryField("name", "p.meta->>'x", FieldType.STRING, java.util.Set.of(FILTER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new QueryField("name", "p.meta->>'x'", FieldType.STRING, java.util.Set.of(FILTER)).column())
                .isEqualTo("p.meta->>'x'");
        assertThatThrownBy(() -> new QueryField("Bad Name", "p.x", FieldType.STRING, java.util.Set.of(FILTER)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueryFields.builder()
                        .field("a", "t.a", FieldType.STRING, FILTER)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tie-breaker");
        assertThatThrownBy(() -> QueryFields.builder()
                        .field("a", "t.a", FieldType.STRING, FILTER)
                        .defaultSort("a")
                        .tieBreaker("t.id")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not sortable");
        assertThatThrownBy(() -> QueryFields.builder()
                        .field("a", "t.a", FieldType.STRING, FILTER)
                        .field("a", "t.b", FieldType.STRING, FILTER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paramsAfterPutsTheStatementsOwnParametersFirst() {
        assertThat(sql("user_id=3").paramsAfter(false, "x")).containsExactly(false, "x", 3L);
    }
}
