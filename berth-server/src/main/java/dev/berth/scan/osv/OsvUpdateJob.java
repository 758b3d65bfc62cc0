package dev.berth.scan.osv;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.Schedules;
import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.Trust;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Updates the OSV database from {@code berth.scan.osv.url}: for each configured ecosystem, a
 * conditional GET of {@code <url>/<Ecosystem>/all.zip} (the stored ETag; 304 leaves the archive as
 * it is and counts it as current) through the outbound client with the SSRF rules of
 * administrator-set targets, streamed into the database. Scheduled by {@code berth.scan.osv.schedule};
 * one ecosystem failing does not stop the others, but fails the task so the dashboard shows it.
 */
@Component
class OsvUpdateJob implements JobKind {
    static final String NAME = "OSV_DATABASE_UPDATE";

    private final OsvSettings settings;
    private final OsvRecords records;
    private final OsvArchiveLoader loader;
    private final OutboundHttp outbound;
    private final Schedules schedules;
    private final java.time.Clock clock;

    OsvUpdateJob(
            OsvSettings settings,
            OsvRecords records,
            OsvArchiveLoader loader,
            OutboundHttp outbound,
            Schedules schedules,
            java.time.Clock clock) {
        this.settings = settings;
        this.records = records;
        this.loader = loader;
        this.outbound = outbound;
        this.schedules = schedules;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int maxAttempts() {
        return 2;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(3);
    }

    @Override
    public Duration retryBackoff() {
        return Duration.ofMinutes(10);
    }

    /** Keeps the stored schedule in line with {@code berth.scan.osv.schedule}; off without a URL. */
    @EventListener(ApplicationReadyEvent.class)
    void schedule() {
        schedules.keep(NAME, settings.url().isEmpty() ? "" : settings.schedule());
    }

    @Override
    public void run(JobContext context) {
        if (settings.url().isEmpty()) {
            context.log("no berth.scan.osv.url: nothing to update from");
            return;
        }
        OutboundClient client = outbound.client(
                Trust.ADMINISTRATOR,
                OutboundOptions.defaults()
                        .withTimeouts(settings.connectTimeout(), settings.readTimeout())
                        .withMaxRedirects(3)
                        .withMaxResponseBytes(settings.maxArchiveBytes()));
        int failed = 0;
        int done = 0;
        for (String ecosystem : settings.ecosystems()) {
            context.checkStop();
            try {
                context.log(update(client, ecosystem));
            } catch (OutboundException | IOException | OsvArchiveLoader.InvalidArchiveException e) {
                failed++;
                context.log(ecosystem + ": not updated: " + e.getMessage());
            }
            done++;
            context.progress(done * 100 / settings.ecosystems().size());
        }
        if (failed > 0) {
            throw new IllegalStateException(
                    failed + " of " + settings.ecosystems().size() + " archives not updated");
        }
    }

    private String update(OutboundClient client, String ecosystem) throws IOException {
        URI uri = URI.create(settings.url() + "/"
                + URLEncoder.encode(ecosystem, StandardCharsets.UTF_8).replace("+", "%20") + "/all.zip");
        Optional<String> etag =
                records.archive(ecosystem).flatMap(a -> a.loadedAt().isPresent() ? a.etag() : Optional.empty());
        OutboundRequest request = OutboundRequest.get(uri);
        if (etag.isPresent()) {
            request = request.withHeader("If-None-Match", etag.get());
        }
        try (OutboundResponse response = client.send(request)) {
            if (response.status() == 304) {
                records.touch(ecosystem, clock.instant());
                return ecosystem + ": unchanged";
            }
            if (!response.isSuccess()) {
                throw new IOException("HTTP " + response.status() + " from " + uri);
            }
            OsvArchiveLoader.Result r =
                    loader.load(ecosystem, uri.toString(), response.body(), response.header("ETag"));
            return ecosystem + ": " + r.added() + " added, " + r.updated() + " updated, " + r.unchanged()
                    + " unchanged, " + r.removed() + " removed, " + r.skipped() + " skipped";
        }
    }
}
