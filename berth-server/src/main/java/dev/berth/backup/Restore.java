package dev.berth.backup;

import dev.berth.storage.BlobIngester;
import dev.berth.storage.BlobStatter;
import dev.berth.storage.Digest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a backup into a fresh Berth: a database migrated to the backup's schema version and a blob
 * store, both empty. In one transaction it empties every table (the new instance's bootstrap rows
 * included), loads the backup's rows in foreign-key order with Berth's own triggers off (the rows
 * already hold what the triggers would derive), sets the sequences, and puts every recorded blob into
 * the store through the driver, verifying each digest; only then does it commit. A failure leaves the
 * database as it was; blobs already placed are harmless (garbage collection sweeps unrecorded bytes).
 */
final class Restore {
    private static final Logger log = LoggerFactory.getLogger(Restore.class);

    private final DataSource dataSource;
    private final BlobStatter statter;
    private final BlobIngester ingester;

    Restore(DataSource dataSource, BlobStatter statter, BlobIngester ingester) {
        this.dataSource = dataSource;
        this.statter = statter;
        this.ingester = ingester;
    }

    void from(Path dir, BackupManifest manifest, boolean force) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            String version = SchemaCatalog.schemaVersion(c);
            if (!version.equals(manifest.schemaVersion())) {
                throw new IllegalStateException("the database is at schema version " + version
                        + " but the backup was taken at " + manifest.schemaVersion());
            }
            if (!force && holdsContent(c)) {
                throw new IllegalStateException("the target database already holds repositories or blobs;"
                        + " restore into a fresh instance (or pass --force to replace everything)");
            }
            List<String> present = SchemaCatalog.tables(c);
            Map<String, BackupManifest.Table> byName = new HashMap<>();
            for (BackupManifest.Table t : manifest.tables()) {
                if (!present.contains(t.name())) {
                    throw new IllegalStateException("the backup has table " + t.name() + " which this schema lacks");
                }
                byName.put(t.name(), t);
            }
            try (Statement s = c.createStatement()) {
                for (String table : present) {
                    s.execute("ALTER TABLE " + SchemaCatalog.quote(table) + " DISABLE TRIGGER USER");
                }
                s.execute("TRUNCATE "
                        + String.join(
                                ", ", present.stream().map(SchemaCatalog::quote).toList()) + " RESTART IDENTITY");
            }
            for (String table : SchemaCatalog.loadOrder(c, present)) {
                BackupManifest.Table t = byName.get(table);
                if (t != null) {
                    load(c, dir, t);
                }
            }
            try (Statement s = c.createStatement()) {
                for (String table : present) {
                    s.execute("ALTER TABLE " + SchemaCatalog.quote(table) + " ENABLE TRIGGER USER");
                }
            }
            setSequences(c, manifest.sequences());
            placeBlobs(c, dir);
            try (Statement s = c.createStatement()) {
                // The store may hold bytes the restored rows do not record (a forced restore over
                // an older instance): the next garbage collection lists the whole store once.
                s.execute("DELETE FROM gc_sweep");
            }
            c.commit();
        }
    }

    private static boolean holdsContent(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT EXISTS (SELECT 1 FROM repository) OR EXISTS (SELECT 1 FROM blob)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void load(Connection c, Path dir, BackupManifest.Table table) throws Exception {
        String copy = "COPY " + SchemaCatalog.quote(table.name()) + " ("
                + String.join(
                        ", ", table.columns().stream().map(SchemaCatalog::quote).toList())
                + ") FROM STDIN";
        long rows;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(table.file())), 1 << 16)) {
            rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, in);
        }
        if (rows != table.rows()) {
            throw new IllegalStateException(
                    "table " + table.name() + ": loaded " + rows + " rows, the backup recorded " + table.rows());
        }
        log.info("event=restore_table table={} rows={}", table.name(), rows);
    }

    private static void setSequences(Connection c, Map<String, Long> sequences) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            for (var e : sequences.entrySet()) {
                s.setString(1, SchemaCatalog.quote(e.getKey()));
                s.setLong(2, e.getValue() == null ? 1 : e.getValue());
                s.setBoolean(3, e.getValue() != null);
                s.executeQuery().close();
            }
        }
    }

    private void placeBlobs(Connection c, Path dir) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT digest, size FROM blob ORDER BY digest")) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
            }
        }
        long placed = 0;
        long present = 0;
        for (String[] row : rows) {
            Digest digest = Digest.parse(row[0]).orElseThrow();
            long size = Long.parseLong(row[1]);
            OptionalLong there = statter.stat(digest);
            if (there.isPresent() && there.getAsLong() == size) {
                present++;
                continue;
            }
            Path file = Backup.blobPath(dir, digest);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("the backup lacks the bytes of blob " + digest);
            }
            UUID upload = UUID.randomUUID();
            ingester.createUpload(upload);
            try {
                MessageDigest hasher = digest.algorithm().newHasher();
                long written;
                try (InputStream in = Files.newInputStream(file)) {
                    written = ingester.append(upload, 0, in, Long.MAX_VALUE, hasher);
                }
                if (written != size
                        || !Digest.fromHasher(digest.algorithm(), hasher).equals(digest)) {
                    throw new IllegalStateException("the backup's copy of blob " + digest + " is corrupt");
                }
                ingester.commitUpload(upload, digest, size);
            } catch (Exception e) {
                ingester.deleteUpload(upload);
                throw e;
            }
            placed++;
        }
        log.info("event=restore_blobs placed={} already_in_store={}", placed, present);
    }
}
