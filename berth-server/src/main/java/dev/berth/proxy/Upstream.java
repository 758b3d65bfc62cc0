package dev.berth.proxy;

import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.remote.DistributionClient;
import dev.berth.remote.RemoteException;
import dev.berth.storage.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One proxy project's upstream registry, spoken to through the endpoint's {@link
 * DistributionClient} (its login and token handling are replication's). Turns the upstream's
 * answers into three outcomes: the content, "not there" (404, as an empty result), or {@link
 * UpstreamUnavailable} for anything that says nothing about the content (connection failures,
 * timeouts, 5xx, 429 with its {@code Retry-After}, a refused login).
 */
final class Upstream {
    private final DistributionClient client;
    private final UpstreamHealth health;

    Upstream(DistributionClient client, UpstreamHealth health) {
        this.client = client;
        this.health = health;
    }

    /** A manifest as the upstream sent it, and the digest it advertised ({@code Docker-Content-Digest}). */
    record Manifest(String mediaType, byte[] content, Optional<Digest> advertised) {}

    /**
     * An open blob and its length when the upstream said; close it.
     *
     * @param length the length of what {@code content} holds (the rest, for a ranged request)
     */
    record Blob(InputStream content, OptionalLong length) {}

    /** The digest a tag names upstream, asked with a HEAD (which Docker Hub does not count); empty on 404. */
    Optional<Digest> head(String repository, String tag) {
        OutboundRequest request = new OutboundRequest(
                "HEAD", manifestUri(repository, tag), Map.of("Accept", DistributionClient.ACCEPT), Optional.empty());
        try (OutboundResponse response = send(request, repository)) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            requireOk(response, "HEAD manifest");
            return Optional.of(response.header("Docker-Content-Digest")
                    .flatMap(Digest::parse)
                    .orElseThrow(() -> new UpstreamUnavailable(
                            "the upstream answered HEAD without a Docker-Content-Digest", Optional.empty())));
        } catch (IOException | UncheckedIOException e) {
            throw new UpstreamUnavailable("HEAD manifest failed", e);
        }
    }

    /** The manifest a tag or digest names upstream; empty on 404. */
    Optional<Manifest> manifest(String repository, String reference) {
        OutboundRequest request =
                OutboundRequest.get(manifestUri(repository, reference)).withHeader("Accept", DistributionClient.ACCEPT);
        try (OutboundResponse response = send(request, repository)) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            requireOk(response, "GET manifest");
            byte[] content = response.body().readNBytes(DistributionClient.MAX_MANIFEST + 1);
            if (content.length > DistributionClient.MAX_MANIFEST) {
                throw new UpstreamUnavailable("the upstream's manifest is larger than 4 MiB", Optional.empty());
            }
            String type =
                    response.header("Content-Type").orElse("").split(";")[0].trim();
            return Optional.of(new Manifest(
                    type, content, response.header("Docker-Content-Digest").flatMap(Digest::parse)));
        } catch (IOException | UncheckedIOException e) {
            throw new UpstreamUnavailable("GET manifest failed", e);
        }
    }

    /** Opens a blob; empty on 404. */
    Optional<Blob> blob(String repository, Digest digest) {
        return blob(repository, digest, 0);
    }

    /**
     * Opens a blob from {@code offset} (a {@code Range} request past 0, to resume a transfer that
     * broke off); empty on 404. Throws {@link UpstreamUnavailable} when the upstream does not
     * answer the range as asked (no {@code 206} from that offset): the bytes cannot be resumed.
     */
    Optional<Blob> blob(String repository, Digest digest, long offset) {
        OutboundRequest request = OutboundRequest.get(client.resolve("/v2/" + repository + "/blobs/" + digest));
        if (offset > 0) {
            request = request.withHeader("Range", "bytes=" + offset + "-");
        }
        OutboundResponse response = send(request, repository);
        if (response.status() == 404) {
            closeQuietly(response);
            return Optional.empty();
        }
        try {
            requireOk(response, "GET blob");
            if (offset > 0
                    && (response.status() != 206
                            || !response.header("Content-Range")
                                    .orElse("")
                                    .trim()
                                    .startsWith("bytes " + offset + "-"))) {
                throw new UpstreamUnavailable(
                        "the upstream does not resume blobs (HTTP " + response.status() + " to a Range request)",
                        Optional.empty());
            }
        } catch (RuntimeException e) {
            closeQuietly(response);
            throw e;
        }
        OptionalLong length =
                response.header("Content-Length").map(Upstream::parseLong).orElse(OptionalLong.empty());
        return Optional.of(new Blob(
                new FilterInputStream(response.body()) {
                    @Override
                    public void close() throws IOException {
                        response.close();
                    }
                },
                length));
    }

    private java.net.URI manifestUri(String repository, String reference) {
        return client.resolve("/v2/" + repository + "/manifests/" + reference);
    }

    private OutboundResponse send(OutboundRequest request, String repository) {
        health.requireCallable();
        try {
            OutboundResponse response = client.send(request, "repository:" + repository + ":pull");
            health.observed(response.header("ratelimit-remaining"), response.header("ratelimit-limit"));
            return response;
        } catch (TargetRefusedException e) {
            throw new UpstreamUnavailable("the outbound rules refuse the upstream's address", e);
        } catch (OutboundException e) {
            throw new UpstreamUnavailable(
                    "the upstream cannot be reached (" + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ")", e);
        } catch (RemoteException e) {
            throw new UpstreamUnavailable("logging in to the upstream failed", e);
        }
    }

    /** 2xx passes; 429 and 5xx (and a refused login) make the upstream unavailable. */
    private void requireOk(OutboundResponse response, String what) {
        int status = response.status();
        if (status == 200 || status == 206) {
            return;
        }
        Optional<Duration> retryAfter = response.header("Retry-After").flatMap(v -> retryAfter(v, health.now()));
        if (status == 429 || status == 503) {
            health.backOff(retryAfter.orElse(status == 429 ? Duration.ofSeconds(60) : Duration.ZERO));
        }
        throw new UpstreamUnavailable(what + " answered HTTP " + status, retryAfter);
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(String value, java.time.Instant now) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(now, at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    private static OptionalLong parseLong(String value) {
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void closeQuietly(OutboundResponse response) {
        try {
            response.close();
        } catch (IOException | UncheckedIOException ignored) {
            // nothing more to read from it
        }
    }
}
