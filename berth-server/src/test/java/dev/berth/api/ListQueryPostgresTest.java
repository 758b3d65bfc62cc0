package dev.berth.api;

import static dev.berth.api.QueryField.Use.ALL_OF;
import static dev.berth.api.QueryField.Use.FILTER;
import static dev.berth.api.QueryField.Use.SORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** The SQL that {@link QueryFields} writes, run on a real PostgreSQL over a small table. */
class ListQueryPostgresTest {
    static final QueryFields ITEMS = QueryFields.builder()
            .field("id", "i.id", FieldType.LONG, FILTER, SORT)
            .field("name", "i.name", FieldType.STRING, FILTER, SORT)
            .field("size", "i.size", FieldType.LONG, FILTER, SORT, ALL_OF)
            .field("public", "i.public", FieldType.BOOLEAN, FILTER)
            .field("creation_time", "i.created_at", FieldType.TIME, FILTER, SORT)
            .defaultSort("-creation_time")
            .tieBreaker("i.id")
            .build();

    private static TestDatabase database;
    private static SingleConnectionDataSource dataSource;
    private static JdbcClient jdbc;

    @BeforeAll
    static void createTable() {
        database = TestDatabase.create();
        dataSource = new SingleConnectionDataSource(database.jdbcUrl(), database.user(), "", true);
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("""
                CREATE TABLE item (
                    id          bigint PRIMARY KEY,
                    owner       text NOT NULL,
                    name        text NOT NULL,
                    size        bigint NOT NULL,
                    public      boolean NOT NULL,
                    created_at  timestamptz NOT NULL,
                    secret      text NOT NULL
                )""").update();
        Object[][] rows = {
            {1, "alice", "library", 10, true},
            {2, "alice", "lib-one", 20, false},
            {3, "alice", "LIB-two", 10, true},
            {4, "alice", "100%", 30, false},
            {5, "alice", "a_b", 20, true},
            {6, "alice", "axb", 10, false},
            {7, "alice", "back\\slash", 40, true},
            {8, "alice", "O'Brien", 20, false},
            {9, "alice", "\"quoted\"", 50, true},
            {10, "bob", "library", 10, true},
            {11, "alice", "zeta", 10, true},
            {12, "alice", "space name", 60, false},
        };
        for (Object[] row : rows) {
            // One row per hour from 2020-04-09 00:00 UTC, in id order.
            jdbc.sql("""
                    INSERT INTO item VALUES (?, ?, ?, ?, ?,
                        timestamptz '2020-04-09 00:00:00+00' + (? - 1) * interval '1 hour', 'hunter2')""").params(row[0], row[1], row[2], row[3], row[4], row[0]).update();
        }
    }

    @AfterAll
    static void dropDatabase() {
        if (dataSource != null) {
            dataSource.destroy();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Alice's items matching the query, as a list endpoint would select them. */
    private static List<Long> ids(String q, String sort, String page, String pageSize) {
        SqlFilter f = query(q, sort, page, pageSize).toSql(ITEMS);
        return jdbc.sql("SELECT i.id FROM item i WHERE i.owner = ?" + f.andWhere() + f.orderBy() + f.limitOffset())
                .params(f.paramsAfter("alice"))
                .query(Long.class)
                .list();
    }

    private static List<Long> ids(String q) {
        return ids(q, null, null, "100");
    }

    private static long total(String q) {
        SqlFilter f = query(q, null, null, null).toSql(ITEMS);
        return jdbc.sql("SELECT count(*) FROM item i WHERE i.owner = ?" + f.andWhere())
                .params(f.paramsAfter("alice"))
                .query(Long.class)
                .single();
    }

    private static ListQuery query(String q, String sort, String page, String pageSize) {
        return ListQuery.parse(
                Optional.ofNullable(q),
                Optional.ofNullable(sort),
                Optional.ofNullable(page),
                Optional.ofNullable(pageSize));
    }

    @Test
    void noFilterListsEverythingInTheDefaultOrder() {
        assertThat(ids(null)).containsExactly(12L, 11L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(total(null)).isEqualTo(11);
    }

    @Test
    void exactMatchIsCaseSensitiveAndTakesQuotesAsData() {
        assertThat(ids("name=library")).containsExactly(1L);
        assertThat(ids("name=LIBRARY")).isEmpty();
        assertThat(ids("name=O'Brien")).containsExactly(8L);
        assertThat(ids("name=\"\\\"quoted\\\"\"")).containsExactly(9L);
        assertThat(ids("name=back\\slash")).containsExactly(7L);
        assertThat(ids("name=\"space name\"")).containsExactly(12L);
        assertThat(ids("public=true")).containsExactly(11L, 9L, 7L, 5L, 3L, 1L);
        assertThat(ids("id=4")).containsExactly(4L);
    }

    @Test
    void fuzzyMatchIsCaseInsensitiveContains() {
        assertThat(ids("name=~lib")).containsExactly(3L, 2L, 1L);
        assertThat(ids("name=~RAR")).containsExactly(1L);
    }

    @Test
    void fuzzyMatchTakesWildcardsLiterally() {
        assertThat(ids("name=~%")).containsExactly(4L);
        assertThat(ids("name=~_")).containsExactly(5L);
        assertThat(ids("name=~a_b")).containsExactly(5L);
        assertThat(ids("name=~\\")).containsExactly(7L);
        assertThat(ids("name=~'")).containsExactly(8L);
        assertThat(ids("name=~\"")).containsExactly(9L);
        assertThat(ids("name=~\" \"")).containsExactly(12L);
    }

    @Test
    void rangesOverNumbersAreInclusive() {
        assertThat(ids("size=[10~20]")).containsExactly(11L, 8L, 6L, 5L, 3L, 2L, 1L);
        assertThat(ids("size=[~10]")).containsExactly(11L, 6L, 3L, 1L);
        assertThat(ids("size=[41~]")).containsExactly(12L, 9L);
    }

    @Test
    void rangesOverTimes() {
        assertThat(ids("creation_time=[2020-04-09 02:00:00~2020-04-09 04:00:00]"))
                .containsExactly(5L, 4L, 3L);
        assertThat(ids("creation_time=[2020-04-09T05:00:00+02:00~]")).containsExactly(12L, 11L, 9L, 8L, 7L, 6L, 5L, 4L);
        assertThat(ids("creation_time=\"2020-04-09 01:00:00\"")).containsExactly(2L);
    }

    @Test
    void unionsMatchAnyValue() {
        assertThat(ids("id={1 4 10 99}")).containsExactly(4L, 1L);
        assertThat(ids("name={library \"space name\" O'Brien}")).containsExactly(12L, 8L, 1L);
        assertThat(ids("id={}")).hasSize(11);
    }

    @Test
    void intersectionsMatchAllValues() {
        assertThat(ids("size=(10 10)")).containsExactly(11L, 6L, 3L, 1L);
        assertThat(ids("size=(10 20)")).isEmpty();
    }

    @Test
    void termsAreAnded() {
        assertThat(ids("name=~lib,size=10")).containsExactly(3L, 1L);
        assertThat(ids("name=~lib,size=10,public=false")).isEmpty();
    }

    @Test
    void sortsAscendingAndDescendingWithTheIdBreakingTies() {
        assertThat(ids(null, "size", null, "100")).containsExactly(1L, 3L, 6L, 11L, 2L, 5L, 8L, 4L, 7L, 9L, 12L);
        assertThat(ids(null, "-size", null, "100")).containsExactly(12L, 9L, 7L, 4L, 2L, 5L, 8L, 1L, 3L, 6L, 11L);
        assertThat(ids(null, "size,-creation_time", null, "100"))
                .containsExactly(11L, 6L, 3L, 1L, 8L, 5L, 2L, 4L, 7L, 9L, 12L);
        assertThat(ids(null, "-id", null, "100")).containsExactly(12L, 11L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void pagesPartitionTheOrderedRows() {
        assertThat(ids(null, "size", "1", "4")).containsExactly(1L, 3L, 6L, 11L);
        assertThat(ids(null, "size", "2", "4")).containsExactly(2L, 5L, 8L, 4L);
        assertThat(ids(null, "size", "3", "4")).containsExactly(7L, 9L, 12L);
        assertThat(ids(null, "size", "4", "4")).isEmpty();

        List<Long> paged = new ArrayList<>();
        for (int page = 1; page <= 11; page++) {
            paged.addAll(ids("size=[10~20]", "size", Integer.toString(page), "1"));
        }
        assertThat(paged).containsExactlyElementsOf(ids("size=[10~20]", "size", null, "100"));
        assertThat(total("size=[10~20]")).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "'; DROP TABLE item;--",
                "' OR '1'='1",
                "x' OR 1=1 --",
                "library' UNION SELECT secret FROM item --",
                "library\\'; DELETE FROM item; --",
                "%' OR name LIKE '%",
                "\\\"; DROP TABLE item; --",
            })
    void injectionStringsMatchNothingAndBreakNothing(String value) {
        String quoted = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        for (String q : List.of("name=" + quoted, "name=~" + quoted, "name={" + quoted + " zzz}")) {
            assertThat(ids(q)).as(q).isEmpty();
            assertThat(total(q)).as(q).isZero();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM item").query(Long.class).single())
                .isEqualTo(12);
        assertThat(jdbc.sql("SELECT count(*) FROM item WHERE secret = 'hunter2'")
                        .query(Long.class)
                        .single())
                .isEqualTo(12);
    }

    @Test
    void theSecretColumnCannotBeProbed() {
        assertThatThrownBy(() -> ids("secret=~h")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> ids(null, "secret", null, null)).isInstanceOf(ApiException.class);
    }
}
