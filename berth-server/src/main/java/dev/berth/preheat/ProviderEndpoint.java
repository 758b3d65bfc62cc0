package dev.berth.preheat;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import dev.berth.outbound.TargetRefusedException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One provider instance as its driver calls it: the base URL, the SSRF-checked client (system
 * administrators' trust level, the instance's {@code insecure} flag), and the credential header its
 * auth mode makes of its auth info ({@code BASIC}: username and password; {@code OAUTH}: a bearer
 * token; {@code CUSTOM}: one header, name and value). The credential never appears in messages.
 */
final class ProviderEndpoint {
    private final String base;
    private final OutboundClient client;
    private final Optional<Map.Entry<String, String>> credential;
    private final JsonMapper json;

    ProviderEndpoint(
            String endpoint, OutboundClient client, Optional<Map.Entry<String, String>> credential, JsonMapper json) {
        this.base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.client = client;
        this.credential = credential;
        this.json = json;
    }

    /** The header an auth mode makes of auth info; empty for NONE. */
    static Optional<Map.Entry<String, String>> credential(String authMode, Map<String, String> info) {
        return switch (authMode) {
            case InstanceRequest.BASIC ->
                Optional.of(Map.entry(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((info.getOrDefault("username", "") + ":"
                                                        + info.getOrDefault("password", ""))
                                                .getBytes(StandardCharsets.UTF_8))));
            case InstanceRequest.OAUTH ->
                Optional.of(Map.entry("Authorization", "Bearer " + info.getOrDefault("token", "")));
            case InstanceRequest.CUSTOM ->
                info.entrySet().stream().findFirst().map(e -> Map.entry(e.getKey(), e.getValue()));
            default -> Optional.empty();
        };
    }

    String base() {
        return base;
    }

    JsonNode get(String path) {
        return send(OutboundRequest.get(URI.create(base + path)));
    }

    JsonNode post(String path, Object body) {
        byte[] bytes = json.writeValueAsBytes(body);
        return send(OutboundRequest.post(URI.create(base + path), RequestBody.of("application/json", bytes)));
    }

    private JsonNode send(OutboundRequest request) {
        if (credential.isPresent()) {
            request = request.withHeader(
                    credential.get().getKey(), credential.get().getValue());
        }
        String what = request.method() + " " + request.uri().getPath();
        try (OutboundResponse response = client.send(request)) {
            if (!response.isSuccess()) {
                throw new ProviderException(what + " answered " + response.summary());
            }
            byte[] body = response.body().readAllBytes();
            if (body.length == 0) {
                return json.nullNode();
            }
            try {
                return json.readTree(body);
            } catch (RuntimeException e) {
                return json.nullNode(); // health endpoints answer plain text; callers that need JSON check
            }
        } catch (TargetRefusedException e) {
            throw new ProviderException("endpoint refused: " + e.getMessage(), true);
        } catch (OutboundException e) {
            throw new ProviderException(what + " failed: " + e.getMessage());
        } catch (IOException e) {
            throw new ProviderException(what + " failed: the connection broke");
        }
    }
}
