package dev.berth.preheat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Uber Kraken's proxy, as Harbor's driver uses it: {@code GET /health}, and a preheat is one
 * registry notification ({@code POST /registry/notifications}, Docker distribution's envelope with
 * one {@code push} event naming the manifest's URL, repository, tag and digest). Kraken then pulls
 * by itself and has no job to poll, so an accepted notification is a finished preheat.
 */
final class KrakenDriver implements ProviderDriver {
    static final String ID = "kraken";
    private static final String MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

    private final Clock clock;

    KrakenDriver(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ProviderMetadata metadata() {
        return new ProviderMetadata(
                ID,
                "Kraken",
                "https://github.com/uber/kraken/blob/master/assets/kraken-logo-color.svg",
                List.of("mmpei/peimingming@corp.netease.com"),
                "0.1.3",
                "https://github.com/uber/kraken");
    }

    @Override
    public void checkHealth(ProviderEndpoint endpoint) {
        endpoint.get("/health");
    }

    @Override
    public Progress preheat(ProviderEndpoint endpoint, PreheatImage image) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> target = Map.of(
                "mediaType", MANIFEST_TYPE,
                "digest", image.digest(),
                "repository", image.repository(),
                "url", image.url(),
                "tag", image.tag());
        Map<String, Object> event =
                Map.of("id", id, "timestamp", clock.instant().toString(), "action", "push", "target", target);
        endpoint.post("/registry/notifications", Map.of("events", List.of(event)));
        return new Progress(id, State.SUCCESS, Optional.empty());
    }

    @Override
    public Progress progress(ProviderEndpoint endpoint, String jobId) {
        return new Progress(jobId, State.SUCCESS, Optional.empty());
    }
}
