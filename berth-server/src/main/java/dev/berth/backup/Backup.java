package dev.berth.backup;

import dev.berth.registry.DeletionHold;
import dev.berth.storage.BlobReader;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a consistent backup of a running (or stopped) Berth: the database's rows as of one snapshot and
 * the bytes of every blob that snapshot records.
 *
 * <p>Consistency: the {@link DeletionHold} is taken first, so garbage collection on every replica stops
 * deleting bytes (it still deletes rows, and its next run sweeps the bytes it left). Then one
 * REPEATABLE READ transaction reads every table and the list of blobs. Blobs are immutable and
 * content-addressed, and a blob row exists only once its bytes are in place, so every blob in the
 * snapshot is in the store and stays there until the hold is released after the copy. Pushes go on
 * meanwhile; what they write after the snapshot is simply not in this backup.
 *
 * <p>Backing up into a directory that holds an earlier backup copies only blobs it lacks.
 */
final class Backup {
    private static final Logger log = LoggerFactory.getLogger(Backup.class);

    private final DataSource dataSource;
    private final BlobReader blobs;
    private final String berthVersion;
    private final Clock clock;

    Backup(DataSource dataSource, BlobReader blobs, String berthVersion, Clock clock) {
        this.dataSource = dataSource;
        this.blobs = blobs;
        this.berthVersion = berthVersion;
        this.clock = clock;
    }

    BackupManifest to(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path db = dir.resolve("db");
        Path dbPartial = dir.resolve("db.partial");
        deleteRecursively(dbPartial);
        Files.createDirectories(dbPartial);
        try (Connection hold = dataSource.getConnection();
                Connection snapshot = dataSource.getConnection()) {
            log.info("event=backup_hold_waiting reason=\"deletions of blob bytes in flight finish first\"");
            DeletionHold.acquire(hold);
            try {
                snapshot.setAutoCommit(false);
                snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                snapshot.setReadOnly(true);
                String schemaVersion = SchemaCatalog.schemaVersion(snapshot); // the snapshot starts here
                String createdAt = clock.instant().toString();
                List<BackupManifest.Table> tables = new ArrayList<>();
                for (String table : SchemaCatalog.tables(snapshot)) {
                    if (SchemaCatalog.NOT_COPIED.contains(table)) {
                        continue;
                    }
                    tables.add(dumpTable(snapshot, table, dbPartial));
                }
                Map<String, Long> sequences = SchemaCatalog.sequences(snapshot);
                long[] copied = copyBlobs(snapshot, dir);
                snapshot.commit();
                // An earlier backup in this directory stays valid until here: its blobs are never
                // removed, and its manifest goes only now, just before its tables are replaced.
                Files.deleteIfExists(dir.resolve(BackupManifest.FILE));
                deleteRecursively(db);
                Files.move(dbPartial, db, StandardCopyOption.ATOMIC_MOVE);
                BackupManifest manifest = new BackupManifest(
                        BackupManifest.FORMAT,
                        berthVersion,
                        schemaVersion,
                        createdAt,
                        tables,
                        sequences,
                        copied[0],
                        copied[1]);
                manifest.write(dir);
                return manifest;
            } finally {
                DeletionHold.release(hold);
            }
        }
    }

    private static BackupManifest.Table dumpTable(Connection c, String table, Path dir) throws Exception {
        List<String> columns = SchemaCatalog.columns(c, table);
        String select = "COPY (SELECT "
                + String.join(", ", columns.stream().map(SchemaCatalog::quote).toList())
                + " FROM " + SchemaCatalog.quote(table) + ") TO STDOUT";
        Path file = dir.resolve(table + ".copy.gz");
        long rows;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(select, out);
        }
        fsync(file);
        log.info("event=backup_table table={} rows={}", table, rows);
        return new BackupManifest.Table(table, columns, rows);
    }

    /** Copies the bytes of every blob the snapshot records, verifying each digest; returns {count, bytes}. */
    private long[] copyBlobs(Connection snapshot, Path dir) throws Exception {
        long count = 0;
        long bytes = 0;
        long reused = 0;
        try (PreparedStatement s = snapshot.prepareStatement("SELECT digest, size FROM blob ORDER BY digest")) {
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Digest digest = Digest.parse(rs.getString(1))
                            .orElseThrow(() -> new IllegalStateException("malformed digest in the blob table"));
                    long size = rs.getLong(2);
                    Path target = blobPath(dir, digest);
                    if (Files.isRegularFile(target) && Files.size(target) == size) {
                        reused++;
                    } else {
                        copyBlob(digest, size, target);
                    }
                    count++;
                    bytes += size;
                }
            }
        }
        log.info("event=backup_blobs count={} bytes={} already_in_backup={}", count, bytes, reused);
        return new long[] {count, bytes};
    }

    private void copyBlob(Digest digest, long size, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        MessageDigest hasher = digest.algorithm().newHasher();
        long copied = 0;
        try (InputStream in = blobs.open(digest, 0);
                OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                hasher.update(buffer, 0, n);
                out.write(buffer, 0, n);
                copied += n;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("blob " + digest + " is recorded in the database but its bytes are"
                    + " missing from storage; garbage collection's sweep reports such blobs");
        }
        if (copied != size || !Digest.fromHasher(digest.algorithm(), hasher).equals(digest)) {
            Files.deleteIfExists(tmp);
            throw new IllegalStateException("blob " + digest + " in storage does not match its digest or size");
        }
        fsync(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Path blobPath(Path dir, Digest digest) {
        return dir.resolve("blobs")
                .resolve(digest.algorithm().prefix())
                .resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex());
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
