package dev.berth.scan;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import dev.berth.outbound.Trust;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client side of Harbor's pluggable scanner API ({@code /api/v1} under the registration's URL):
 * metadata, scan requests and report polling, through the SSRF-checked outbound client at
 * administrator trust (registrations are made by system administrators). Redirects are never
 * followed: a 302 from the report endpoint means "not ready yet", as in the spec.
 */
final class AdapterClient {
    /** A failure talking to an adapter; the message is Berth's text, safe for API errors and task logs. */
    static final class AdapterException extends RuntimeException {
        AdapterException(String message) {
            super(message, null, false, false);
        }
    }

    /** A report poll: ready with a body, or not ready with the wait the adapter asked for. */
    sealed interface ReportPoll {
        record Ready(String body) implements ReportPoll {}

        record NotReady(Duration refreshAfter) implements ReportPoll {}
    }

    private final String base;
    private final OutboundClient http;
    private final JsonMapper json;
    private final Duration defaultRefresh;

    private AdapterClient(String base, OutboundClient http, JsonMapper json, Duration defaultRefresh) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = http;
        this.json = json;
        this.defaultRefresh = defaultRefresh;
    }

    /**
     * A client for one adapter.
     *
     * @param auth Harbor's auth types: {@code Basic} sends {@code Authorization: Basic base64(credential)},
     *     {@code Bearer} sends {@code Authorization: Bearer credential}, {@code APIKey} sends
     *     {@code X-ScannerAdapter-API-Key: credential}
     */
    static AdapterClient of(
            OutboundHttp outbound,
            ScanSettings settings,
            JsonMapper json,
            String url,
            String auth,
            String credential,
            boolean skipCertVerify) {
        OutboundOptions options = OutboundOptions.defaults()
                .withTimeouts(settings.connectTimeout(), settings.timeout())
                .withSkipCertVerify(skipCertVerify)
                .withMaxResponseBytes(settings.maxReportBytes());
        if (credential != null && !credential.isEmpty()) {
            options = switch (auth == null ? "" : auth) {
                case "Basic" ->
                    options.withHeader(
                            "Authorization",
                            "Basic " + Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8)));
                case "Bearer" -> options.withHeader("Authorization", "Bearer " + credential);
                case "APIKey" -> options.withHeader("X-ScannerAdapter-API-Key", credential);
                default -> options;
            };
        }
        return new AdapterClient(
                url, outbound.client(Trust.ADMINISTRATOR, options), json, settings.defaultRefreshAfter());
    }

    AdapterMetadata metadata() {
        OutboundRequest request = OutboundRequest.get(uri("/api/v1/metadata")).withHeader("Accept", ScanTypes.METADATA);
        try (OutboundResponse response = send(request)) {
            String body = expect(response, 200, "metadata");
            try {
                AdapterMetadata metadata = json.readValue(body, AdapterMetadata.class);
                if (metadata.capabilities().isEmpty()) {
                    throw new AdapterException("the adapter's metadata lists no capabilities");
                }
                return metadata;
            } catch (JacksonException e) {
                throw new AdapterException("the adapter's metadata is not valid JSON of the scanner API");
            }
        } catch (IOException e) {
            throw new AdapterException("the connection to the adapter broke");
        }
    }

    /** {@code POST /scan}; the adapter's scan request id. */
    String submit(Map<String, Object> scanRequest) {
        byte[] body = json.writeValueAsBytes(scanRequest);
        OutboundRequest request = OutboundRequest.post(
                        uri("/api/v1/scan"), RequestBody.of(ScanTypes.SCAN_REQUEST, body))
                .withHeader("Accept", ScanTypes.SCAN_RESPONSE);
        try (OutboundResponse response = send(request)) {
            String answer = expect(response, 202, "scan request");
            JsonNode id;
            try {
                id = json.readTree(answer).path("id");
            } catch (JacksonException e) {
                throw new AdapterException("the adapter's scan response is not JSON");
            }
            if (!id.isString() || id.asString().isBlank()) {
                throw new AdapterException("the adapter's scan response has no id");
            }
            return id.asString();
        } catch (IOException e) {
            throw new AdapterException("the connection to the adapter broke");
        }
    }

    /** {@code GET /scan/{id}/report} for one report MIME type: 200 is the report, 302 not ready yet. */
    ReportPoll report(String scanRequestId, String mimeType) {
        return report(scanRequestId, mimeType, "");
    }

    /** As above, with a query (v1.2's {@code sbom_media_type=...} for an SBOM report). */
    ReportPoll report(String scanRequestId, String mimeType, String query) {
        String q = query.isEmpty() ? "" : "?" + query.replace("+", "%2B").replace("/", "%2F");
        OutboundRequest request = OutboundRequest.get(uri("/api/v1/scan/"
                        + URLEncoder.encode(scanRequestId, StandardCharsets.UTF_8)
                                .replace("+", "%20") + "/report" + q))
                .withHeader("Accept", mimeType);
        try (OutboundResponse response = send(request)) {
            if (response.status() == 302) {
                return new ReportPoll.NotReady(refreshAfter(response));
            }
            return new ReportPoll.Ready(expect(response, 200, "report"));
        } catch (IOException e) {
            throw new AdapterException("the connection to the adapter broke");
        }
    }

    private Duration refreshAfter(OutboundResponse response) {
        return response.header("Refresh-After")
                .flatMap(v -> {
                    try {
                        long seconds = Long.parseLong(v.trim());
                        return seconds > 0 && seconds <= 3600
                                ? java.util.Optional.of(Duration.ofSeconds(seconds))
                                : java.util.Optional.empty();
                    } catch (NumberFormatException e) {
                        return java.util.Optional.empty();
                    }
                })
                .orElse(defaultRefresh);
    }

    private OutboundResponse send(OutboundRequest request) {
        try {
            return http.send(request);
        } catch (OutboundException e) {
            throw new AdapterException(e.getMessage());
        }
    }

    /** The body of an expected answer; otherwise the spec's error message (sanitized) or the status. */
    private String expect(OutboundResponse response, int status, String what) throws IOException {
        if (response.status() != status) {
            throw new AdapterException(what + ": the adapter answered " + errorOf(response));
        }
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String errorOf(OutboundResponse response) {
        try {
            byte[] bytes = response.body().readNBytes(4096);
            String message = json.readTree(bytes).path("error").path("message").asString("");
            String clean = message.replaceAll("[^\\x20-\\x7e]", "");
            if (!clean.isBlank()) {
                return "HTTP " + response.status() + ": " + (clean.length() > 200 ? clean.substring(0, 200) : clean);
            }
        } catch (IOException | JacksonException e) {
            // fall through: the status alone
        }
        return "HTTP " + response.status();
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
