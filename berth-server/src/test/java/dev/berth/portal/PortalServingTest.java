package dev.berth.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the server hands out the portal: the app at /, its routes on reload, and never over an API. */
class PortalServingTest {
    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static RegistryClient anonymous;

    @BeforeAll
    static void start() {
        anonymous = BerthServer.shared().anonymousClient();
    }

    @Test
    void theRootServesTheAppWithBrowserHardening() {
        Response r = anonymous.get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.text()).contains("<div id=\"app\"></div>").contains("/assets/");
        assertThat(r.header("Content-Security-Policy"))
                .hasValueSatisfying(
                        v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(r.header("X-Frame-Options")).contains("DENY");
        assertThat(r.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.header("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-cache"));
    }

    @Test
    void theAppsOwnRoutesSurviveAReloadInABrowser() {
        String index = anonymous.get("/").text();
        for (String route : new String[] {
            "/projects", "/projects/3/members", "/projects/3/repositories/team/app.v1", "/admin/gc", "/account"
        }) {
            Response r = anonymous.get(route, "Accept", BROWSER);
            assertThat(r.status()).as(route).isEqualTo(200);
            assertThat(r.text()).as(route).isEqualTo(index);
            // a client that does not ask for a page gets the plain 404
            assertThat(anonymous.get(route, "Accept", "*/*").status()).as(route).isEqualTo(404);
        }
    }

    @Test
    void bundlesAreCachedForeverAndAMissingOneIsA404() {
        Matcher m = Pattern.compile("/assets/[^\"]+\\.js")
                .matcher(anonymous.get("/").text());
        assertThat(m.find()).isTrue();
        Response bundle = anonymous.get(m.group());
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.header("Cache-Control"))
                .hasValueSatisfying(
                        v -> assertThat(v).contains("max-age=31536000").contains("immutable"));
        assertThat(anonymous.get("/assets/index-missing.js").status()).isEqualTo(404);
    }

    @Test
    void theServersOwnPathsNeverAnswerWithTheApp() {
        Response api = anonymous.get("/api/v2.0/no-such-thing");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.json().path("errors").path(0).path("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(api.header("Content-Security-Policy")).isEmpty();

        for (String path : new String[] {
            "/c/no-such-thing", "/service/no-such-thing", "/actuator/no-such-thing", "/metrics", "/api/v2.0/nothing"
        }) {
            Response r = anonymous.get(path, "Accept", BROWSER);
            assertThat(r.status()).as(path).isGreaterThanOrEqualTo(400);
            assertThat(r.text()).as(path).doesNotContain("<div id=\"app\">");
        }
        // The registry keeps its own answers, its challenge included.
        Response v2 = anonymous.get("/v2/");
        assertThat(v2.status()).isEqualTo(401);
        assertThat(v2.header("Docker-Distribution-API-Version")).contains("registry/2.0");
        assertThat(anonymous.get("/api/v2.0/ping").text()).isEqualTo("Pong");
    }
}
