package dev.berth.scan.osv;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Berth's built-in vulnerability database (not in Harbor): its state, an update from
 * {@code berth.scan.osv.url} now, and the import of an OSV archive from a file for air-gapped
 * sites ({@code PUT} of the zip, streamed into the database). Reading the state needs system
 * scanner read; changing the database needs system scanner update (system administrators, and
 * robots granted it).
 */
@RestController
class OsvDatabaseController {
    private static final Pattern ARCHIVE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9 .:_-]{0,63}");

    private final Authorizer authorizer;
    private final OsvDatabase database;
    private final OsvArchiveLoader loader;
    private final Executions executions;
    private final OsvSettings settings;
    private final Clock clock;

    OsvDatabaseController(
            Authorizer authorizer,
            OsvDatabase database,
            OsvArchiveLoader loader,
            Executions executions,
            OsvSettings settings,
            Clock clock) {
        this.authorizer = authorizer;
        this.database = database;
        this.loader = loader;
        this.executions = executions;
        this.settings = settings;
        this.clock = clock;
    }

    record ArchiveView(String name, String source, Instant loadedAt, int advisories, Instant newestAdvisory) {}

    record StatusView(
            String source,
            Instant updatedAt,
            Long ageSeconds,
            long maxAgeSeconds,
            boolean stale,
            String schedule,
            List<ArchiveView> archives,
            RematchView rematch) {}

    /**
     * The latest re-matching of stored SBOMs after a database change ({@code SBOM_REMATCH}): its
     * execution (log and stop through the job service), status and progress.
     */
    record RematchView(
            long executionId,
            String status,
            int progress,
            Instant startTime,
            Instant endTime,
            Map<String, Object> extraAttrs) {}

    record ImportView(String archive, int added, int updated, int unchanged, int removed, int skipped) {}

    @GetMapping("/api/v2.0/vulnerability-database")
    StatusView status(HttpServletRequest request) {
        require(request, Action.READ);
        OsvDatabase.Status s = database.status();
        Instant now = clock.instant();
        return new StatusView(
                settings.url(),
                s.loadedAt().orElse(null),
                s.age(now).map(java.time.Duration::toSeconds).orElse(null),
                s.maxAge().toSeconds(),
                s.stale(),
                settings.url().isEmpty() ? "" : settings.schedule(),
                s.archives().stream()
                        .map(a -> new ArchiveView(
                                a.name(),
                                a.source(),
                                a.loadedAt().orElse(null),
                                a.advisories(),
                                a.newest().orElse(null)))
                        .toList(),
                executions
                        .latest(SbomRematchJob.NAME, java.util.Optional.empty())
                        .map(e -> new RematchView(
                                e.id(),
                                e.status().wire(),
                                executions.tasks(e.id(), dev.berth.api.ListQuery.firstPage(1)).items().stream()
                                        .mapToInt(dev.berth.job.Task::progress)
                                        .findFirst()
                                        .orElse(0),
                                e.startTime(),
                                e.endTime().orElse(null),
                                e.extraAttrs()))
                        .orElse(null));
    }

    /** Starts an update from the configured URL as a job; answers its execution id. */
    @PostMapping("/api/v2.0/vulnerability-database/update")
    ResponseEntity<Map<String, Long>> update(HttpServletRequest request) {
        require(request, Action.UPDATE);
        if (settings.url().isEmpty()) {
            throw ApiException.preconditionFailed("no berth.scan.osv.url is configured: import archives instead");
        }
        long id = executions.run(OsvUpdateJob.NAME, -1, Trigger.MANUAL, Map.of(), Map.of());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("execution_id", id));
    }

    /** Replaces one archive with the OSV zip in the body (as {@code <Ecosystem>/all.zip}). */
    @PutMapping(path = "/api/v2.0/vulnerability-database/archives/{name}")
    ImportView importArchive(@PathVariable String name, HttpServletRequest request) throws IOException {
        require(request, Action.UPDATE);
        if (!ARCHIVE_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid archive name: use the OSV ecosystem, e.g. Debian or PyPI");
        }
        long length = request.getContentLengthLong();
        if (length > settings.maxArchiveBytes()) {
            throw ApiException.badRequest("the archive is larger than berth.scan.osv.max-archive-bytes");
        }
        try (InputStream body = new LimitedInput(request.getInputStream(), settings.maxArchiveBytes())) {
            OsvArchiveLoader.Result r = loader.load(name, "import", body, Optional.empty());
            return new ImportView(r.archive(), r.added(), r.updated(), r.unchanged(), r.removed(), r.skipped());
        } catch (OsvArchiveLoader.InvalidArchiveException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.SCANNER, action)) {
            throw Callers.denied(caller);
        }
    }

    /** A request body that fails once it is longer than the limit. */
    private static final class LimitedInput extends java.io.FilterInputStream {
        private long left;

        LimitedInput(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new OsvArchiveLoader.InvalidArchiveException("the archive is larger than allowed");
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new OsvArchiveLoader.InvalidArchiveException("the archive is larger than allowed");
                }
            }
            return n;
        }
    }
}
