package dev.berth.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Picks a few top-level files ({@code Chart.yaml}, {@code values.yaml}, {@code README.md}, …) out
 * of a Helm chart tarball ({@code <chart>/<file>} inside a gzipped tar), with hard limits: charts
 * are untrusted input, so neither a gzip bomb nor a huge member can exhaust memory or time.
 */
final class ChartArchive {
    /** Most uncompressed bytes read from one chart, whatever it holds. */
    static final long MAX_UNCOMPRESSED = 64L * 1024 * 1024;
    /** Most bytes kept of one wanted file. */
    static final int MAX_FILE = 1024 * 1024;

    private ChartArchive() {}

    /**
     * The wanted files found directly under the chart's top directory, keyed by file name
     * (case-sensitive, as Helm names them).
     */
    static Map<String, String> read(InputStream gzipped, Set<String> wanted) throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        try (InputStream tar = new BoundedInputStream(new GZIPInputStream(gzipped, 8192), MAX_UNCOMPRESSED)) {
            byte[] header = new byte[512];
            while (found.size() < wanted.size()) {
                if (!readFully(tar, header)) {
                    break;
                }
                if (isZero(header)) {
                    break;
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                String file = topLevelFile(name);
                if ((type == '0' || type == '\0') && file != null && wanted.contains(file) && size <= MAX_FILE) {
                    byte[] content = new byte[(int) size];
                    if (!readFully(tar, content)) {
                        throw new IOException("truncated chart archive");
                    }
                    found.putIfAbsent(file, new String(content, StandardCharsets.UTF_8));
                    skip(tar, padded - size);
                } else {
                    skip(tar, padded);
                }
            }
        }
        return found;
    }

    /** {@code values.yaml} for {@code mychart/values.yaml}; null for anything deeper or elsewhere. */
    private static String topLevelFile(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        int slash = n.indexOf('/');
        if (slash <= 0 || n.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return n.substring(slash + 1);
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        String s = text(header, offset, length).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(s, 8);
            if (value < 0) {
                throw new IOException("bad tar entry size");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("bad tar entry size");
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        int read = in.readNBytes(buffer, 0, buffer.length);
        return read == buffer.length;
    }

    private static void skip(InputStream in, long n) throws IOException {
        in.skipNBytes(Math.max(0, n));
    }

    /** Fails once more than {@code limit} bytes have been read. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private long count;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) throws IOException {
            count += n;
            if (count > limit) {
                throw new IOException("chart archive larger than " + limit + " bytes uncompressed");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
