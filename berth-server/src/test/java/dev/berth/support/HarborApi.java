package dev.berth.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.harborclient.ApiClient;
import dev.berth.harborclient.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Java client that openapi-generator makes from Harbor v2.14's swagger (generated into {@code
 * dev.berth.harborclient} at build time, as Harbor's users generate theirs), pointed at a test
 * server, reading strictly: a field Harbor's models lack, or an enum value they do not list, fails
 * the call instead of being dropped.
 */
public final class HarborApi {
    private HarborApi() {}

    public static ApiClient client(BerthServer server, String username, String password) {
        ApiClient client = anonymous(server);
        String basic = "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        client.setRequestInterceptor(request -> request.header("Authorization", basic));
        return client;
    }

    public static ApiClient admin(BerthServer server) {
        return client(server, "admin", BerthServer.ADMIN_PASSWORD);
    }

    public static ApiClient anonymous(BerthServer server) {
        ObjectMapper strict = ApiClient.createDefaultObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
                .configure(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, true)
                .configure(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE, true);
        ApiClient client = new ApiClient();
        client.setObjectMapper(strict);
        client.setScheme("http");
        client.setHost("127.0.0.1");
        client.setPort(server.port());
        client.setBasePath("/api/v2.0");
        return client;
    }

    /** A refusal as the generated client reports it: the status and Harbor's first error. */
    public record Refusal(int status, String code, String message) {}

    /** Runs {@code call}, which must fail with an HTTP error; what the error said. */
    public static Refusal refusal(Call call) {
        try {
            call.run();
        } catch (ApiException e) {
            try {
                var error = RegistryClient.JSON
                        .readTree(e.getResponseBody())
                        .path("errors")
                        .path(0);
                return new Refusal(
                        e.getCode(),
                        error.path("code").asString(),
                        error.path("message").asString());
            } catch (RuntimeException notJson) {
                throw new AssertionError(
                        "status " + e.getCode() + " without Harbor's error body: " + e.getResponseBody());
            }
        }
        throw new AssertionError("the call succeeded; a refusal was expected");
    }

    @FunctionalInterface
    public interface Call {
        void run() throws ApiException;
    }
}
