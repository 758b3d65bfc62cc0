package dev.berth.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code berth-backup.json}, written last: a directory without it holds no complete backup.
 *
 * <pre>
 * &lt;backup&gt;/
 *   berth-backup.json                       this manifest
 *   db/&lt;table&gt;.copy.gz                      each table's rows, PostgreSQL COPY text format, gzip
 *   blobs/sha256/&lt;first two hex&gt;/&lt;hex&gt;     the bytes of every blob the database records
 * </pre>
 *
 * @param format the layout version of this directory
 * @param berthVersion the Berth that wrote it
 * @param schemaVersion the Flyway version of the database it was taken from
 * @param createdAt when the database snapshot was taken (ISO-8601)
 * @param tables each table's columns (in the order of its COPY file) and row count
 * @param sequences each sequence's last value, null if never used
 * @param blobs how many blobs and bytes were copied
 */
record BackupManifest(
        int format,
        String berthVersion,
        String schemaVersion,
        String createdAt,
        List<Table> tables,
        Map<String, Long> sequences,
        long blobs,
        long blobBytes) {
    static final String FILE = "berth-backup.json";
    static final int FORMAT = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Table(String name, List<String> columns, long rows) {
        String file() {
            return "db/" + name + ".copy.gz";
        }
    }

    static BackupManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    dir + " holds no complete backup (" + FILE + " is missing; an interrupted backup leaves none)");
        }
        BackupManifest manifest = JSON.readValue(file.toFile(), BackupManifest.class);
        if (manifest.format() != FORMAT) {
            throw new IllegalArgumentException("backup format " + manifest.format() + " is not " + FORMAT);
        }
        return manifest;
    }

    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
