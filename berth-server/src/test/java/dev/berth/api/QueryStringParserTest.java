package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryStringParserTest {

    private static List<Term> parse(String q) {
        return QueryStringParser.parse(q);
    }

    private static Term single(String q) {
        List<Term> terms = parse(q);
        assertThat(terms).hasSize(1);
        return terms.getFirst();
    }

    @Test
    void emptyQueryHasNoTerms() {
        assertThat(parse("")).isEmpty();
    }

    @Test
    void exactMatch() {
        assertThat(single("name=library")).isEqualTo(new Term.Exact("name", "library"));
    }

    @Test
    void exactValueKeepsEverythingUpToTheComma() {
        assertThat(single("name=O'Brien & \"co\"")).isEqualTo(new Term.Exact("name", "O'Brien & \"co\""));
        assertThat(single("name=a=b")).isEqualTo(new Term.Exact("name", "a=b"));
    }

    @Test
    void quotedExactValueMayHoldCommasAndSpaces() {
        assertThat(parse("name=\"a, b\",id=1"))
                .containsExactly(new Term.Exact("name", "a, b"), new Term.Exact("id", "1"));
        assertThat(single("name='single quoted'")).isEqualTo(new Term.Exact("name", "single quoted"));
        assertThat(single("name=\"\"")).isEqualTo(new Term.Exact("name", ""));
    }

    @Test
    void backslashInsideQuotesEscapesTheQuoteOrItself() {
        assertThat(single("name=\"say \\\"hi\\\" \\\\ \\n\"")).isEqualTo(new Term.Exact("name", "say \"hi\" \\ \\n"));
    }

    @Test
    void leadingBackslashMakesTheRestExact() {
        assertThat(single("name=\\~abc")).isEqualTo(new Term.Exact("name", "~abc"));
        assertThat(single("name=\\[1~2]")).isEqualTo(new Term.Exact("name", "[1~2]"));
        assertThat(single("name=\\{a b}")).isEqualTo(new Term.Exact("name", "{a b}"));
        assertThat(single("name=\\\"x")).isEqualTo(new Term.Exact("name", "\"x"));
    }

    @Test
    void quoteThatDoesNotCloseBeforeASeparatorIsLiteralAsInHarbor() {
        assertThat(single("name=~'s")).isEqualTo(new Term.Fuzzy("name", "'s"));
        assertThat(single("name=\"unterminated")).isEqualTo(new Term.Exact("name", "\"unterminated"));
        assertThat(single("name=\"a\"b")).isEqualTo(new Term.Exact("name", "\"a\"b"));
        assertThat(single("name={\"a\"b 's}")).isEqualTo(new Term.AnyOf("name", List.of("\"a\"b", "'s")));
        assertThat(single("name=['a~\"]")).isEqualTo(new Term.Range("name", Optional.of("'a"), Optional.of("\"")));
        assertThatThrownBy(() -> parse("name=\"a,b")).isInstanceOf(ApiException.class);
    }

    @Test
    void fuzzyMatch() {
        assertThat(single("name=~lib")).isEqualTo(new Term.Fuzzy("name", "lib"));
        assertThat(single("name=~\"a,b c\"")).isEqualTo(new Term.Fuzzy("name", "a,b c"));
        assertThat(single("name=~%_")).isEqualTo(new Term.Fuzzy("name", "%_"));
    }

    @Test
    void rangeWithBothBoundsOrOne() {
        assertThat(single("size=[1~10]")).isEqualTo(new Term.Range("size", Optional.of("1"), Optional.of("10")));
        assertThat(single("size=[1~]")).isEqualTo(new Term.Range("size", Optional.of("1"), Optional.empty()));
        assertThat(single("size=[~10]")).isEqualTo(new Term.Range("size", Optional.empty(), Optional.of("10")));
        assertThat(single("size=[ 1 ~ 10 ]")).isEqualTo(new Term.Range("size", Optional.of("1"), Optional.of("10")));
    }

    @Test
    void rangeOfTimesBareOrQuoted() {
        assertThat(single("creation_time=[2020-04-09 02:36:00~2020-04-10 00:00:00]"))
                .isEqualTo(new Term.Range(
                        "creation_time", Optional.of("2020-04-09 02:36:00"), Optional.of("2020-04-10 00:00:00")));
        assertThat(single("creation_time=[\"2020-04-09 02:36:00\"~]"))
                .isEqualTo(new Term.Range("creation_time", Optional.of("2020-04-09 02:36:00"), Optional.empty()));
        assertThat(single("name=[\"a~b\"~\"c]\"]"))
                .isEqualTo(new Term.Range("name", Optional.of("a~b"), Optional.of("c]")));
    }

    @Test
    void unionList() {
        assertThat(single("type={docker-hub harbor azure-acr}"))
                .isEqualTo(new Term.AnyOf("type", List.of("docker-hub", "harbor", "azure-acr")));
        assertThat(single("id={1}")).isEqualTo(new Term.AnyOf("id", List.of("1")));
        assertThat(single("name={ \"a b\"  'c,d' e }")).isEqualTo(new Term.AnyOf("name", List.of("a b", "c,d", "e")));
    }

    @Test
    void emptyListParses() {
        assertThat(single("id={}")).isEqualTo(new Term.AnyOf("id", List.of()));
        assertThat(single("id=( )")).isEqualTo(new Term.AllOf("id", List.of()));
    }

    @Test
    void intersectionList() {
        assertThat(single("label_id=(1 2 3)")).isEqualTo(new Term.AllOf("label_id", List.of("1", "2", "3")));
    }

    @Test
    void severalTermsInOrder() {
        assertThat(parse("name=~lib,public=true,id={1 2},size=[1~],label_id=(3 4)"))
                .containsExactly(
                        new Term.Fuzzy("name", "lib"),
                        new Term.Exact("public", "true"),
                        new Term.AnyOf("id", List.of("1", "2")),
                        new Term.Range("size", Optional.of("1"), Optional.empty()),
                        new Term.AllOf("label_id", List.of("3", "4")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ",",
                "name",
                "=x",
                "name=",
                "name=,id=1",
                "name=a,",
                "name=a,,id=1",
                "name=~",
                "name=~\"\"",
                "name=~,id=1",
                "size=[",
                "size=[]",
                "size=[~]",
                "size=[ ~ ]",
                "size=[1~2~3]",
                "size=[~~]",
                "size=[1,2]",
                "size=[1~2",
                "size=[12]",
                "size=[1~2]x",
                "id={1 2",
                "id={1,2}",
                "id={1 2}x",
                "id=(1 2",
                "id=(1 2}",
                "name=a,name=b",
            })
    void rejectsMalformedQueries(String q) {
        assertThatThrownBy(() -> parse(q))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(ApiErrorCode.BAD_REQUEST);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessageStartingWith("invalid query string q: ");
    }

    @Test
    void refusesOverlongLists() {
        String values = String.join(" ", java.util.Collections.nCopies(QueryStringParser.MAX_LIST_VALUES + 1, "1"));
        assertThatThrownBy(() -> parse("id={" + values + "}")).hasMessageContaining("more than 100 values");
        assertThat(single("id={" + values.substring(2) + "}")).isInstanceOf(Term.AnyOf.class);
    }

    @Test
    void errorMessagesCutLongInputShort() {
        String key = "k".repeat(500);
        assertThatThrownBy(() -> parse(key + "=a," + key + "=b"))
                .hasMessageContaining("k".repeat(64) + "…")
                .message()
                .hasSizeLessThan(200);
    }

    @Test
    void keysAreTakenVerbatimForTheAllowListToJudge() {
        assertThat(single("name;DROP TABLE x=1").field()).isEqualTo("name;DROP TABLE x");
        assertThat(single("name =1").field()).isEqualTo("name ");
    }
}
