package dev.berth.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check for images without curl or a shell worth the name: exits 0 when the
 * URL (by default Berth's own ping on 127.0.0.1:8080) answers 2xx within five seconds, 1
 * otherwise. Starts no Spring context; run it with {@code java -cp /app/classes
 * dev.berth.system.HealthCheck [URL]} inside the image.
 */
public final class HealthCheck {
    static final String DEFAULT_URL = "http://127.0.0.1:8080/api/v2.0/ping";

    private HealthCheck() {}

    public static void main(String[] args) {
        System.exit(check(args.length > 0 ? args[0] : DEFAULT_URL) ? 0 : 1);
    }

    static boolean check(String url) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        try {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            boolean healthy = response.statusCode() / 100 == 2;
            if (!healthy) {
                System.err.println(url + " answered " + response.statusCode());
            }
            return healthy;
        } catch (Exception e) {
            System.err.println(url + ": " + e);
            return false;
        } finally {
            client.close();
        }
    }
}
