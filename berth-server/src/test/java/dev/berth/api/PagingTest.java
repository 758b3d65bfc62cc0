package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class PagingTest {
    private static final String PATH = "/api/v2.0/projects";

    private static Optional<String> link(long page, long pageSize, long total) {
        return Paging.link(PATH, Map.of(), page, pageSize, total);
    }

    @Test
    void onlyNextOnTheFirstPage() {
        assertThat(link(1, 10, 25)).contains("</api/v2.0/projects?page=2&page_size=10>; rel=\"next\"");
    }

    @Test
    void prevAndNextInTheMiddle() {
        assertThat(link(2, 10, 25))
                .contains("</api/v2.0/projects?page=1&page_size=10>; rel=\"prev\" , "
                        + "</api/v2.0/projects?page=3&page_size=10>; rel=\"next\"");
    }

    @Test
    void onlyPrevOnTheLastPage() {
        assertThat(link(3, 10, 25)).contains("</api/v2.0/projects?page=2&page_size=10>; rel=\"prev\"");
        assertThat(link(2, 10, 20)).contains("</api/v2.0/projects?page=1&page_size=10>; rel=\"prev\"");
    }

    @Test
    void noLinkWhenEverythingFitsOnePage() {
        assertThat(link(1, 10, 10)).isEmpty();
        assertThat(link(1, 10, 0)).isEmpty();
    }

    @Test
    void noPrevBeyondTheLastPageAsInHarbor() {
        assertThat(link(5, 10, 25)).isEmpty();
    }

    @Test
    void keepsTheOtherParametersEncoded() {
        Map<String, String[]> params = new LinkedHashMap<>();
        params.put("q", new String[] {"name=~a b,id={1 2},t=[\"2020-04-09 02:36:00\"~]"});
        params.put("page", new String[] {"2"});
        params.put("sort", new String[] {"-creation_time"});
        params.put("page_size", new String[] {"5"});
        params.put("x+y", new String[] {"100% ünïcode&more"});
        assertThat(Paging.link(PATH, params, 2, 5, 11))
                .contains(
                        "</api/v2.0/projects?q=name%3D~a%20b%2Cid%3D%7B1%202%7D%2Ct%3D%5B%222020-04-09%2002%3A36%3A00%22~%5D"
                                + "&sort=-creation_time&x%2By=100%25%20%C3%BCn%C3%AFcode%26more&page=1&page_size=5>; rel=\"prev\" , "
                                + "</api/v2.0/projects?q=name%3D~a%20b%2Cid%3D%7B1%202%7D%2Ct%3D%5B%222020-04-09%2002%3A36%3A00%22~%5D"
                                + "&sort=-creation_time&x%2By=100%25%20%C3%BCn%C3%AFcode%26more&page=3&page_size=5>; rel=\"next\"");
    }

    @Test
    void headersCarryTheTotalAndTheLinks() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", PATH);
        request.addParameter("q", "name=~lib");
        request.addParameter("page_size", "2");
        ListQuery query = ListQuery.from(request);

        HttpHeaders headers = Paging.headers(request, query, 3);
        assertThat(headers.getFirst(Paging.TOTAL_COUNT)).isEqualTo("3");
        assertThat(headers.getFirst(Paging.LINK))
                .isEqualTo("</api/v2.0/projects?q=name%3D~lib&page=2&page_size=2>; rel=\"next\"");

        MockHttpServletResponse response = new MockHttpServletResponse();
        Paging.write(request, response, query, 1);
        assertThat(response.getHeader("X-Total-Count")).isEqualTo("1");
        assertThat(response.getHeader("Link")).isNull();
    }
}
