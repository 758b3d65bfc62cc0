package dev.berth.iam;

import dev.berth.config.BerthProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** The URL clients reach Berth at, and the registry token service's name. */
@Component
public class ExternalUrl {
    private final String configured;
    private final String service;
    private final Environment environment;

    ExternalUrl(
            BerthProperties properties,
            @Value("${berth.token.service:berth}") String service,
            Environment environment) {
        String url = properties.externalUrl();
        this.configured = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.service = service;
        this.environment = environment;
    }

    /**
     * For work done without a request (webhook payloads): {@code BERTH_EXTERNAL_URL}, or else
     * {@code http://localhost:<port>} of this server.
     */
    public String ofServer() {
        if (!configured.isEmpty()) {
            return configured;
        }
        return "http://localhost:"
                + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    }

    /** {@code BERTH_EXTERNAL_URL}, or else {@code http://localhost:<port>} of the request. */
    public String of(HttpServletRequest request) {
        if (!configured.isEmpty()) {
            return configured;
        }
        return request.getScheme() + "://localhost:" + request.getLocalPort();
    }

    public String service() {
        return service;
    }

    public String bearerChallenge(HttpServletRequest request, String scope) {
        String challenge = "Bearer realm=\"" + of(request) + "/service/token\",service=\"" + service + "\"";
        return scope == null ? challenge : challenge + ",scope=\"" + scope + "\"";
    }
}
