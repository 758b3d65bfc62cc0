package dev.berth.remote;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * A registry endpoint: where a remote registry is and how to log in to it.
 *
 * @param id 0 for one that is not stored (a ping of a body's fields)
 * @param type the adapter's name, e.g. {@code docker-registry} or {@code harbor}
 * @param url {@code http(s)://host[:port][/path]}, without a trailing slash
 * @param insecure accept any TLS certificate from it
 * @param credential how to log in, if at all; its values are plain here
 * @param status {@code healthy} or {@code unhealthy}, as last checked
 */
public record RemoteRegistry(
        long id,
        String name,
        String description,
        String type,
        String url,
        boolean insecure,
        Optional<Credential> credential,
        String status,
        Instant creationTime,
        Instant updateTime) {
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";

    public URI uri() {
        return URI.create(url);
    }

    /** The credential if it holds anything to log in with. */
    public Optional<Credential> login() {
        return credential.filter(Credential::isPresent);
    }
}
