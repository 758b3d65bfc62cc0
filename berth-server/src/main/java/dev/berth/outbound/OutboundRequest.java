package dev.berth.outbound;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One request to send through an {@link OutboundClient}.
 *
 * @param method an HTTP method, upper case
 * @param uri an absolute http or https URL
 * @param headers sent with this request (the client's own headers are added to them), never to
 *     another origin a redirect points at
 * @param body what to send, if anything
 */
public record OutboundRequest(String method, URI uri, Map<String, String> headers, Optional<RequestBody> body) {
    public OutboundRequest {
        if (method == null || !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("invalid method");
        }
        headers = HeaderNames.checked(headers);
    }

    public static OutboundRequest get(URI uri) {
        return new OutboundRequest("GET", uri, Map.of(), Optional.empty());
    }

    public static OutboundRequest head(URI uri) {
        return new OutboundRequest("HEAD", uri, Map.of(), Optional.empty());
    }

    public static OutboundRequest post(URI uri, RequestBody body) {
        return new OutboundRequest("POST", uri, Map.of(), Optional.of(body));
    }

    public static OutboundRequest put(URI uri, RequestBody body) {
        return new OutboundRequest("PUT", uri, Map.of(), Optional.of(body));
    }

    public static OutboundRequest delete(URI uri) {
        return new OutboundRequest("DELETE", uri, Map.of(), Optional.empty());
    }

    /** This request with one more header (replacing one of the same name). */
    public OutboundRequest withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.keySet().removeIf(name::equalsIgnoreCase);
        all.put(name, value);
        return new OutboundRequest(method, uri, all, body);
    }

    /** Method, host and header names only: query strings and header values often carry credentials. */
    @Override
    public String toString() {
        return "OutboundRequest[" + method + " " + uri.getScheme() + "://" + uri.getHost() + " headers="
                + headers.keySet() + (body.isPresent() ? " with body" : "") + "]";
    }
}
