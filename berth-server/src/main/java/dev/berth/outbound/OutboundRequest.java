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
 * @param cancellation ends the request from another thread, if set ({@link #withCancellation})
 */
public record OutboundRequest(
        String method,
        URI uri,
        Map<String, String> headers,
        Optional<RequestBody> body,
        Optional<Cancellation> cancellation) {
    public OutboundRequest {
        if (method == null || !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("invalid method");
        }
        headers = HeaderNames.checked(headers);
        cancellation = cancellation == null ? Optional.empty() : cancellation;
    }

    public OutboundRequest(String method, URI uri, Map<String, String> headers, Optional<RequestBody> body) {
        this(method, uri, headers, body, Optional.empty());
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
        return new OutboundRequest(method, uri, all, body, cancellation);
    }

    /** This request, ended when {@code c} is cancelled (see {@link Cancellation}). */
    public OutboundRequest withCancellation(Cancellation c) {
        return new OutboundRequest(method, uri, headers, body, Optional.of(c));
    }

    /** Method, host and header names only: query strings and header values often carry credentials. */
    @Override
    public String toString() {
        return "OutboundRequest[" + method + " " + uri.getScheme() + "://" + uri.getHost() + " headers="
                + headers.keySet() + (body.isPresent() ? " with body" : "") + "]";
    }
}
