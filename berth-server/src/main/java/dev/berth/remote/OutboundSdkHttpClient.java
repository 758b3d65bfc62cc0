package dev.berth.remote;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The AWS SDK's HTTP through Berth's outbound client, so a cloud API an endpoint names (ECR's
 * GetAuthorizationToken) is held to the same outbound rules as the registry itself: the SDK signs,
 * this sends. Only for small API calls: a request body is read into memory.
 */
final class OutboundSdkHttpClient implements SdkHttpClient {
    /** Headers the outbound client sets itself (it refuses them from callers). */
    private static final Set<String> OWNED =
            Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect", "content-type");

    private final OutboundClient http;

    OutboundSdkHttpClient(OutboundClient http) {
        this.http = http;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return execute(request);
            }

            @Override
            public void abort() {
                // nothing is in flight before call(), and call() is not interrupted mid-way
            }
        };
    }

    private HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        SdkHttpRequest r = request.httpRequest();
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().forEach((name, values) -> {
            if (!OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, String.join(",", values));
            }
        });
        Optional<RequestBody> body = Optional.empty();
        if (request.contentStreamProvider().isPresent()) {
            byte[] bytes;
            try (InputStream in = request.contentStreamProvider().get().newStream()) {
                bytes = in.readAllBytes();
            }
            String type = r.firstMatchingHeader("Content-Type").orElse("application/octet-stream");
            body = Optional.of(RequestBody.of(type, bytes));
        }
        OutboundResponse response;
        try {
            response = http.send(new OutboundRequest(r.method().name(), r.getUri(), headers, body));
        } catch (OutboundException e) {
            throw new IOException(e.getMessage(), e);
        }
        SdkHttpResponse head = SdkHttpResponse.builder()
                .statusCode(response.status())
                .headers(response.headers())
                .build();
        InputStream content = new FilterInputStream(response.body()) {
            @Override
            public void close() throws IOException {
                try {
                    response.close();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        };
        return HttpExecuteResponse.builder()
                .response(head)
                .responseBody(AbortableInputStream.create(content))
                .build();
    }

    @Override
    public String clientName() {
        return "BerthOutbound";
    }

    @Override
    public void close() {
        // the outbound client's pools belong to OutboundHttp
    }
}
