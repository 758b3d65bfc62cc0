package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A JSON answer from a stand-in of a vendor's API. */
final class JsonAnswers {
    private JsonAnswers() {}

    static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = RegistryClient.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
