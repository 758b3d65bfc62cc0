package dev.berth.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/**
 * Sends requests to targets of one {@link Trust} level with one set of {@link OutboundOptions}.
 * Thread-safe and cheap: take one from {@link OutboundHttp#client} per call or keep it.
 *
 * <pre>{@code
 * try (OutboundResponse response = client.send(OutboundRequest.post(uri, RequestBody.of("application/json", payload)))) {
 *     if (!response.isSuccess()) {
 *         log(response.summary());
 *     }
 * }
 * }</pre>
 */
public final class OutboundClient {
    private final CloseableHttpClient http;
    private final OutboundOptions options;

    OutboundClient(CloseableHttpClient http, OutboundOptions options) {
        this.http = http;
        this.options = options;
    }

    /**
     * Sends a request and returns the response once its head has arrived; the caller reads the body
     * and closes the response. A 3xx is returned as it is unless the options allow following it, in
     * which case its target is checked like the first one.
     *
     * @throws TargetRefusedException when the URL, an address its host resolves to at connect time,
     *     or the target of a followed redirect is not permitted; nothing was sent to it
     * @throws OutboundException when no response arrived (timeout, refused connection, TLS failure)
     */
    public OutboundResponse send(OutboundRequest request) {
        TargetUrl origin = TargetUrl.parse(request.uri(), false);
        TargetUrl target = origin;
        String method = request.method();
        Optional<RequestBody> body = request.body();
        for (int hop = 0; ; hop++) {
            Map<String, String> headers = target.sameOrigin(origin) ? headers(request) : Map.of();
            OutboundResponse response = execute(method, target, headers, body, request.cancellation(), hop > 0);
            Optional<URI> location =
                    hop < options.maxRedirects() ? Redirects.location(response, target.uri()) : Optional.empty();
            if (location.isEmpty()) {
                return response;
            }
            closeQuietly(response);
            if (Redirects.becomesGet(response.status(), method)) {
                method = method.equals("HEAD") ? "HEAD" : "GET";
                body = Optional.empty();
            }
            target = TargetUrl.parse(location.get(), true);
        }
    }

    private Map<String, String> headers(OutboundRequest request) {
        Map<String, String> all = new LinkedHashMap<>(options.headers());
        request.headers().forEach((name, value) -> {
            all.keySet().removeIf(name::equalsIgnoreCase);
            all.put(name, value);
        });
        return all;
    }

    private OutboundResponse execute(
            String method,
            TargetUrl target,
            Map<String, String> headers,
            Optional<RequestBody> body,
            Optional<Cancellation> cancellation,
            boolean redirect) {
        HttpHost host = target.httpHost();
        BasicClassicHttpRequest request = cancellation.isPresent()
                ? new CancellableRequest(method, host, target.pathAndQuery(), cancellation.get())
                : new BasicClassicHttpRequest(method, host, target.pathAndQuery());
        headers.forEach(request::addHeader);
        InputStream content = null;
        try {
            if (body.isPresent()) {
                RequestBody b = body.get();
                content = b.source().open();
                request.setHeader("Content-Type", b.contentType());
                request.setEntity(new InputStreamEntity(content, b.length(), null));
            }
            ClassicHttpResponse response = http.executeOpen(host, request, null);
            return wrap(response);
        } catch (IOException e) {
            throw Failures.translate(e, redirect);
        } finally {
            if (content != null) {
                try {
                    content.close();
                } catch (IOException ignored) {
                    // the request is over; nothing to do about a source that fails to close
                }
            }
        }
    }

    /** A request the HTTP client hands its connection's handle to, for {@link Cancellation}. */
    private static final class CancellableRequest extends BasicClassicHttpRequest implements CancellableDependency {
        private final Cancellation cancellation;

        CancellableRequest(String method, HttpHost host, String path, Cancellation cancellation) {
            super(method, host, path);
            this.cancellation = cancellation;
        }

        @Override
        public void setDependency(Cancellable dependency) {
            cancellation.attach(dependency);
        }

        @Override
        public boolean isCancelled() {
            return cancellation.cancelled();
        }

        @Override
        public boolean cancel() {
            cancellation.cancel();
            return true;
        }
    }

    private OutboundResponse wrap(ClassicHttpResponse response) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), n -> new ArrayList<>()).add(h.getValue());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        HttpEntity entity = response.getEntity();
        InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent();
        return new OutboundResponse(
                response.getCode(),
                Collections.unmodifiableMap(headers),
                new BoundedInputStream(in, options.maxResponseBytes()),
                response);
    }

    private static void closeQuietly(OutboundResponse response) {
        try {
            response.close();
        } catch (IOException | UncheckedIOException ignored) {
            // a redirect's own connection is of no further use
        }
    }
}
