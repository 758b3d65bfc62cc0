package dev.berth.scan.osv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads one OSV archive (a zip of one JSON record per advisory, as OSV publishes
 * {@code <Ecosystem>/all.zip}) into the database while reading it: one record in memory at a time,
 * written in batches, each batch its own transaction. Records whose {@code modified} is unchanged
 * are skipped; records the archive no longer has are removed at the end, and only then is the
 * archive marked loaded (so an archive cut off midway keeps its previous load time and is loaded
 * again next time; every record already written is whole).
 */
@Component
class OsvArchiveLoader {
    private static final Logger log = LoggerFactory.getLogger(OsvArchiveLoader.class);
    private static final int BATCH = 500;

    private final OsvRecords records;
    private final OsvSettings settings;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final OsvDatabase database;

    OsvArchiveLoader(
            OsvRecords records,
            OsvSettings settings,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            OsvDatabase database) {
        this.records = records;
        this.settings = settings;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.database = database;
    }

    /** What a load did. */
    record Result(String archive, int added, int updated, int unchanged, int removed, int skipped) {}

    /** The archive is not a zip of OSV records. */
    static final class InvalidArchiveException extends RuntimeException {
        InvalidArchiveException(String message) {
            super(message);
        }
    }

    /**
     * Reads the archive to its end and stores it as {@code archive}.
     *
     * @param source the URL it came from, or {@code import}
     * @param etag the HTTP validator to send next time, if any
     */
    Result load(String archive, String source, InputStream zip, Optional<String> etag) throws IOException {
        tx.executeWithoutResult(s -> records.ensureArchive(archive, source));
        Map<String, Instant> known = records.modifiedOf(archive);
        Set<String> seen = new HashSet<>();
        Set<OsvRecords.PackageKey> changedPackages = new HashSet<>();
        List<OsvRecords.Row> batch = new ArrayList<>();
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        int skipped = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(zip)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isDirectory() || !entry.getName().endsWith(".json")) {
                    continue;
                }
                entries++;
                byte[] bytes = readBounded(in);
                if (bytes == null) {
                    skipped++;
                    log.warn("event=osv_record_skipped archive={} entry={} reason=too_large", archive, entry.getName());
                    continue;
                }
                Optional<OsvRecords.Row> row = row(bytes);
                if (row.isEmpty()) {
                    skipped++;
                    continue;
                }
                String id = row.get().id();
                if (!seen.add(id)) {
                    continue;
                }
                Instant before = known.get(id);
                if (before != null && before.equals(row.get().modified())) {
                    unchanged++;
                    continue;
                }
                if (before == null) {
                    added++;
                } else {
                    updated++;
                }
                changedPackages.addAll(row.get().affected());
                batch.add(row.get());
                if (batch.size() >= BATCH) {
                    write(archive, batch, changedPackages);
                    batch.clear();
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new InvalidArchiveException("not a zip archive: " + e.getMessage());
        }
        if (entries == 0) {
            throw new InvalidArchiveException("the archive holds no OSV records");
        }
        write(archive, batch, changedPackages);
        List<String> gone =
                known.keySet().stream().filter(id -> !seen.contains(id)).toList();
        for (int from = 0; from < gone.size(); from += BATCH) {
            List<String> part = gone.subList(from, Math.min(gone.size(), from + BATCH));
            tx.executeWithoutResult(s -> {
                changedPackages.addAll(records.packagesOf(archive, part));
                records.delete(archive, part);
            });
        }
        tx.executeWithoutResult(s -> records.finish(archive, source, etag, clock.instant()));
        database.changed(changedPackages);
        Result result = new Result(archive, added, updated, unchanged, gone.size(), skipped);
        log.info(
                "event=osv_archive_loaded archive={} added={} updated={} unchanged={} removed={} skipped={}",
                archive,
                added,
                updated,
                unchanged,
                gone.size(),
                skipped);
        return result;
    }

    private void write(String archive, List<OsvRecords.Row> batch, Set<OsvRecords.PackageKey> changed) {
        if (batch.isEmpty()) {
            return;
        }
        List<OsvRecords.Row> rows = List.copyOf(batch);
        tx.executeWithoutResult(s -> {
            // the packages an updated advisory affected before matter as much as those it affects now
            changed.addAll(records.packagesOf(
                    archive, rows.stream().map(OsvRecords.Row::id).toList()));
            records.upsert(archive, rows);
        });
    }

    /** The record's row, or empty when it is not an OSV record Berth can use. */
    private Optional<OsvRecords.Row> row(byte[] bytes) {
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        String id = node.path("id").asString("");
        if (id.isEmpty() || !node.path("modified").isString()) {
            return Optional.empty();
        }
        Instant modified;
        try {
            modified = Instant.parse(node.path("modified").asString());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        List<OsvRecords.PackageKey> affected = new ArrayList<>();
        for (JsonNode a : node.path("affected")) {
            String ecosystem = a.path("package").path("ecosystem").asString("");
            String name = a.path("package").path("name").asString("");
            affected.add(new OsvRecords.PackageKey(ecosystem, Ecosystems.normalizedName(ecosystem, name)));
        }
        // stored without the NUL characters PostgreSQL's jsonb refuses
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (text.contains("\\u0000")) {
            text = json.writeValueAsString(node).replace("\\u0000", "");
        }
        return Optional.of(new OsvRecords.Row(id, modified, text, affected));
    }

    /** The entry's bytes, or null (the rest skipped) when it is larger than a record may be. */
    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > settings.maxRecordBytes()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
