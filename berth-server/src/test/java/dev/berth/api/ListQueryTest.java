package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;

class ListQueryTest {

    private static ListQuery parse(String q, String sort, String page, String pageSize) {
        return ListQuery.parse(
                Optional.ofNullable(q),
                Optional.ofNullable(sort),
                Optional.ofNullable(page),
                Optional.ofNullable(pageSize));
    }

    @Test
    void defaultsToFirstPageOfTen() {
        ListQuery query = parse(null, null, null, null);
        assertThat(query.terms()).isEmpty();
        assertThat(query.sorts()).isEmpty();
        assertThat(query.page()).isEqualTo(1);
        assertThat(query.pageSize()).isEqualTo(10);
        assertThat(query.offset()).isZero();
    }

    @Test
    void emptyParametersTakeTheirDefaults() {
        ListQuery query = parse("", "", "", "");
        assertThat(query).isEqualTo(parse(null, null, null, null));
    }

    @Test
    void pageAndPageSizeGiveTheOffset() {
        ListQuery query = parse(null, null, "3", "100");
        assertThat(query.page()).isEqualTo(3);
        assertThat(query.pageSize()).isEqualTo(100);
        assertThat(query.offset()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 10, page must be 1 or more",
        "-1, 10, page must be 1 or more",
        "1, 0, page_size must be between 1 and 100",
        "1, -5, page_size must be between 1 and 100",
        "1, 101, page_size must be between 1 and 100",
        "abc, 10, page must be a number",
        "1, ten, page_size must be a number",
        "1.5, 10, page must be a number",
        "' 1', 10, page must be a number",
        "99999999999999999999, 10, page must be a number",
        "9223372036854775807, 10, page is too large",
    })
    void rejectsBadPaging(String page, String pageSize, String message) {
        assertThatThrownBy(() -> parse(null, null, page, pageSize))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith(message);
    }

    @Test
    void sortKeysAscendingAndDescending() {
        assertThat(parse(null, "name,-creation_time", null, null).sorts())
                .containsExactly(new SortKey("name", false), new SortKey("creation_time", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {",", "-", "name,", ",name", "name,,id", "name,-", "name,name", "name,-name"})
    void rejectsMalformedSort(String sort) {
        assertThatThrownBy(() -> parse(null, sort, null, null))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("invalid sort");
    }

    @Test
    void readsTheRequestParameters() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v2.0/projects");
        request.addParameter("q", "name=~lib");
        request.addParameter("sort", "-name");
        request.addParameter("page", "2");
        request.addParameter("page_size", "5");
        ListQuery query = ListQuery.from(request);
        assertThat(query.terms()).containsExactly(new Term.Fuzzy("name", "lib"));
        assertThat(query.sorts()).containsExactly(new SortKey("name", true));
        assertThat(query.offset()).isEqualTo(5);
    }

    @Test
    void refusesARepeatedParameter() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v2.0/projects");
        request.addParameter("q", "name=a");
        request.addParameter("q", "password=~a");
        assertThatThrownBy(() -> ListQuery.from(request))
                .isInstanceOf(ApiException.class)
                .hasMessage("parameter q may be given only once");
    }

    @Test
    void firstPage() {
        assertThat(ListQuery.firstPage(1)).isEqualTo(new ListQuery(List.of(), List.of(), 1, 1));
    }
}
