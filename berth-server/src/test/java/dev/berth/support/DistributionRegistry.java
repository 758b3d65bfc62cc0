package dev.berth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1, as a replication peer:
 * filesystem storage in a temporary directory, and optionally htpasswd Basic auth for one user (the
 * bcrypt line made here, no {@code htpasswd} binary needed) or Docker's token protocol with a
 * {@link DockerTokenService} as its realm. Stopped by its own process handle.
 */
public final class DistributionRegistry implements AutoCloseable {
    public static final String BINARY = "/usr/bin/docker-registry";

    private final Process process;
    private final Path dir;
    private final int port;

    private DistributionRegistry(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** A registry without authentication. */
    public static DistributionRegistry open() {
        return start(Optional.empty(), Optional.empty());
    }

    /** A registry that wants {@code user}/{@code password} by HTTP Basic on every request. */
    public static DistributionRegistry withBasicAuth(String user, String password) {
        return start(Optional.of(user), Optional.of(password), Optional.empty());
    }

    /**
     * A registry that wants a bearer token from {@code tokens} (its {@code auth.token} section:
     * realm, service, issuer and the service's certificate as the root bundle).
     */
    public static DistributionRegistry withTokenAuth(DockerTokenService tokens, String realmPath, String service) {
        return start(Optional.empty(), Optional.empty(), Optional.of("""
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(
                        tokens.baseUri() + realmPath, service, DockerTokenService.ISSUER, tokens.certificate())));
    }

    private static DistributionRegistry start(Optional<String> user, Optional<String> password) {
        return start(user, password, Optional.empty());
    }

    private static DistributionRegistry start(
            Optional<String> user, Optional<String> password, Optional<String> authSection) {
        try {
            Path dir = Files.createTempDirectory("distribution-");
            int port = FreePort.pick();
            StringBuilder config = new StringBuilder("""
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(dir.resolve("data"), port));
            if (user.isPresent()) {
                String hash = new BCryptPasswordEncoder().encode(password.orElseThrow());
                Files.writeString(dir.resolve("htpasswd"), user.get() + ":" + hash + "\n", StandardCharsets.UTF_8);
                config.append("""
                        auth:
                          htpasswd:
                            realm: berth-test
                            path: %s
                        """.formatted(dir.resolve("htpasswd")));
            }
            authSection.ifPresent(config::append);
            Path configFile = dir.resolve("config.yml");
            Files.writeString(configFile, config.toString(), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(BINARY, "serve", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            DistributionRegistry registry = new DistributionRegistry(process, dir, port);
            registry.awaitListening();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The filesystem storage's root directory (distribution's {@code rootdirectory}). */
    public Path storageRoot() {
        return dir.resolve("data");
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    private void awaitListening() throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("docker-registry did not listen on " + port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BerthServer.deleteRecursively(dir);
    }
}
