package dev.berth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as a round-robin load balancer on 127.0.0.1 in front of Berth replicas, configured
 * as a deployment should (no body size limit, request bodies streamed, no sticky sessions), running in
 * the foreground under a temporary prefix with its own pid, logs and temp paths, stopped by its pid.
 * The access log records which replica answered each request.
 */
public final class NginxBalancer implements AutoCloseable {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path prefix;

    private NginxBalancer(Process process, int port, Path prefix) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
    }

    public static boolean available() {
        return Files.isExecutable(NGINX);
    }

    public static NginxBalancer start(Path prefix, int port, List<Integer> upstreams) {
        try {
            Files.createDirectories(prefix);
            // Worker processes may run as another user (nobody, when the master is root).
            Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, config(prefix, port, upstreams), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(
                            NGINX.toString(),
                            "-p",
                            prefix.toString(),
                            "-c",
                            conf.toString(),
                            "-e",
                            prefix.resolve("error.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("stdout.log").toFile())
                    .start();
            NginxBalancer balancer = new NginxBalancer(process, port, prefix);
            balancer.awaitListening();
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String config(Path prefix, int port, List<Integer> upstreams) {
        String servers = upstreams.stream()
                .map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;")
                .collect(Collectors.joining("\n"));
        return """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 512; }
                http {
                    log_format balanced '$request_method $uri $status $upstream_addr';
                    access_log %1$s/access.log balanced;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream berth {
                %2$s
                        keepalive 16;
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        client_max_body_size 0;
                        location / {
                            proxy_pass http://berth;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $http_host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_request_buffering off;
                            proxy_buffering off;
                            proxy_read_timeout 900s;
                            proxy_send_timeout 900s;
                        }
                    }
                }
                """.formatted(prefix, servers, port);
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + errors());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(Duration.ofMillis(50));
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + ": " + errors());
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The access log: one {@code METHOD URI STATUS UPSTREAM} line per request. */
    public List<String> accessLog() {
        try {
            return Files.readAllLines(prefix.resolve("access.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String errors() {
        try {
            Path log = prefix.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM to the master (fast shutdown), by its pid. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
