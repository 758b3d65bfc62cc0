package dev.berth.api;

import static dev.berth.api.QueryField.Use.FILTER;
import static dev.berth.api.QueryField.Use.SORT;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's error body and paging headers, through Spring MVC's dispatcher with our advice. */
class ApiExceptionHandlerTest {
    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.standaloneSetup(new ThingController())
                .setControllerAdvice(new ApiExceptionHandler())
                .setCustomArgumentResolvers(new ListQueryArgumentResolver())
                .build();
    }

    record Thing(String name, long size) {}

    @RestController
    @RequestMapping("/api/v2.0/things")
    static class ThingController {
        static final QueryFields FIELDS = QueryFields.builder()
                .field("name", "t.name", FieldType.STRING, FILTER, SORT)
                .tieBreaker("t.id")
                .build();

        @GetMapping
        ResponseEntity<List<Thing>> list(ListQuery query, HttpServletRequest request) {
            query.toSql(FIELDS); // validates against the allow-list; the "table" is 25 things
            long total = 25;
            List<Thing> page = LongStream.rangeClosed(
                            query.offset() + 1, Math.min(total, query.offset() + query.pageSize()))
                    .mapToObj(i -> new Thing("thing-" + i, i))
                    .toList();
            return ResponseEntity.ok()
                    .headers(Paging.headers(request, query, total))
                    .body(page);
        }

        @GetMapping("/{id}")
        Thing get(@PathVariable long id) {
            if (id == 404) {
                throw ApiException.notFound("thing 404 not found");
            }
            if (id == 500) {
                throw new IllegalStateException("connection to db:5432 as berth/hunter2 failed");
            }
            if (id == 503) {
                throw new ApiException(ApiErrorCode.UNKNOWN, "storage driver s3://secret-bucket is down");
            }
            return new Thing("thing-" + id, id);
        }

        @GetMapping("/search")
        Thing search(@RequestParam String name) {
            return new Thing(name, 0);
        }

        @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
        Thing create(@RequestBody Thing thing) {
            if (thing.name().equals("taken")) {
                throw ApiException.conflict("thing taken already exists");
            }
            return thing;
        }
    }

    private static void assertError(ResultActions result, int status, String code, String message) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].code").value(code))
                .andExpect(jsonPath("$.errors[0].message").value(message));
    }

    @Test
    void listWritesTheTotalAndLinks() throws Exception {
        mvc.perform(get("/api/v2.0/things")
                        .param("q", "name=~thing")
                        .param("page", "2")
                        .param("page_size", "10"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(10)))
                .andExpect(jsonPath("$[0].name").value("thing-11"))
                .andExpect(header().string("X-Total-Count", "25"))
                .andExpect(header().string(
                                "Link",
                                "</api/v2.0/things?q=name%3D~thing&page=1&page_size=10>; rel=\"prev\" , "
                                        + "</api/v2.0/things?q=name%3D~thing&page=3&page_size=10>; rel=\"next\""));
    }

    @Test
    void filteringOnAFieldOutsideTheAllowListIsABadRequest() throws Exception {
        assertError(
                mvc.perform(get("/api/v2.0/things").param("q", "password=~a")),
                400,
                "BAD_REQUEST",
                "unsupported field \"password\" in q; supported: name");
    }

    @Test
    void badPagingIsABadRequest() throws Exception {
        assertError(
                mvc.perform(get("/api/v2.0/things").param("page_size", "101")),
                400,
                "BAD_REQUEST",
                "page_size must be between 1 and 100");
    }

    @Test
    void apiExceptionsKeepTheirCodeAndMessage() throws Exception {
        assertError(mvc.perform(get("/api/v2.0/things/404")), 404, "NOT_FOUND", "thing 404 not found");
        assertError(
                mvc.perform(post("/api/v2.0/things")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"taken\",\"size\":1}")),
                409,
                "CONFLICT",
                "thing taken already exists");
    }

    @Test
    void unexpectedFailuresTellTheClientNothing() throws Exception {
        ResultActions result = mvc.perform(get("/api/v2.0/things/500"));
        assertError(result, 500, "UNKNOWN", "internal server error");
        result.andExpect(content().string(not(containsString("hunter2"))));

        assertError(mvc.perform(get("/api/v2.0/things/503")), 500, "UNKNOWN", "internal server error");
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        assertError(
                mvc.perform(post("/api/v2.0/things")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":")),
                400,
                "BAD_REQUEST",
                "request body is not valid JSON (line 1, column 9)");
    }

    @Test
    void wrongJsonTypeNamesThePathOnly() throws Exception {
        ResultActions result = mvc.perform(post("/api/v2.0/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"a\",\"size\":\"big\"}"));
        assertError(result, 400, "BAD_REQUEST", "invalid value in request body at \"$.size\"");
        result.andExpect(content().string(not(containsString("dev.berth"))));
    }

    @Test
    void missingBodyIsABadRequest() throws Exception {
        assertError(
                mvc.perform(post("/api/v2.0/things").contentType(MediaType.APPLICATION_JSON)),
                400,
                "BAD_REQUEST",
                "request body is missing");
    }

    @Test
    void badParameterTypeIsABadRequest() throws Exception {
        assertError(mvc.perform(get("/api/v2.0/things/abc")), 400, "BAD_REQUEST", "invalid value for parameter \"id\"");
    }

    @Test
    void missingParameterIsABadRequest() throws Exception {
        ResultActions result = mvc.perform(get("/api/v2.0/things/search"));
        result.andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].code").value("BAD_REQUEST"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("name")));
    }

    @Test
    void unsupportedMethodIs405WithAllow() throws Exception {
        ResultActions result = mvc.perform(delete("/api/v2.0/things"));
        result.andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.errors[0].code").value("METHOD_NOT_ALLOWED"))
                .andExpect(header().string("Allow", containsString("GET")));
    }

    @Test
    void unsupportedMediaTypeIs415() throws Exception {
        ResultActions result = mvc.perform(
                post("/api/v2.0/things").contentType(MediaType.TEXT_PLAIN).content("name=a"));
        result.andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.errors[0].code").value("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertError(
                mvc.perform(get("/api/v2.0/nothing-here")),
                404,
                "NOT_FOUND",
                "no such API: GET \"/api/v2.0/nothing-here\"");
    }
}
