package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/** The api package as the running application wires it: the advice answers, the resolver is there. */
class ApiWiringTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void unknownApiPathGetsHarborsNotFoundBody() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/v2.0/no-such-thing?q=a=1"))
                                .header("X-Request-Id", "wiring-test-1")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Request-Id")).contains("wiring-test-1");
        assertThat(response.body())
                .isEqualTo(
                        "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"no such API: GET \\\"/api/v2.0/no-such-thing\\\"\"}]}");
    }

    @Test
    void controllersMayTakeAListQuery() {
        assertThat(server.bean(RequestMappingHandlerAdapter.class).getArgumentResolvers())
                .anyMatch(ListQueryArgumentResolver.class::isInstance);
    }
}
