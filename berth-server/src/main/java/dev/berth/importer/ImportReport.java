package dev.berth.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did, or (dry run) would do: counts per kind of thing, and one line per thing that
 * needs the operator (a user who must reset a password, a robot to recreate, an artifact that
 * could not be read).
 */
final class ImportReport {
    enum Outcome {
        IMPORTED,
        EXISTING,
        SKIPPED
    }

    private final boolean dryRun;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> notCarried = new ArrayList<>();
    private long bytesCopied;
    private long blobsCopied;
    private long blobsLinked;
    private boolean incomplete;

    ImportReport(boolean dryRun) {
        this.dryRun = dryRun;
    }

    boolean dryRun() {
        return dryRun;
    }

    void count(String kind, Outcome outcome) {
        counts.computeIfAbsent(kind, k -> new long[3])[outcome.ordinal()]++;
    }

    long counted(String kind, Outcome outcome) {
        long[] c = counts.get(kind);
        return c == null ? 0 : c[outcome.ordinal()];
    }

    void note(String line) {
        notes.add(line);
    }

    void notCarried(String what, long rows, String why) {
        if (rows > 0) {
            notCarried.add(what + ": " + rows + " (" + why + ")");
        }
    }

    void copied(long bytes) {
        blobsCopied++;
        bytesCopied += bytes;
    }

    void linked() {
        blobsLinked++;
    }

    void incomplete() {
        incomplete = true;
    }

    /** The summary printed when the command ends. */
    String summary() {
        StringBuilder s = new StringBuilder();
        String imported = dryRun ? "would import" : "imported";
        s.append(dryRun ? "import-harbor dry run" : "import-harbor")
                .append(incomplete ? " (incomplete: run again to continue)" : "")
                .append('\n');
        counts.forEach((kind, c) -> s.append("  ")
                .append(kind)
                .append(": ")
                .append(imported)
                .append(' ')
                .append(c[0])
                .append(", already in Berth ")
                .append(c[1])
                .append(", cannot import ")
                .append(c[2])
                .append('\n'));
        s.append("  blobs: ")
                .append(dryRun ? "would copy " : "copied ")
                .append(blobsCopied)
                .append(" (")
                .append(bytesCopied)
                .append(" bytes), linked to bytes already in Berth ")
                .append(blobsLinked)
                .append('\n');
        if (!notCarried.isEmpty()) {
            s.append("not carried over:\n");
            notCarried.forEach(n -> s.append("  ").append(n).append('\n'));
        }
        if (!notes.isEmpty()) {
            s.append("needs attention:\n");
            notes.forEach(n -> s.append("  ").append(n).append('\n'));
        }
        return s.toString();
    }
}
