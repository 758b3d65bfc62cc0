package dev.berth.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A single satisfiable byte range of a blob, from a {@code Range: bytes=...} header. */
record ByteRange(long start, long end) {
    private static final Pattern SINGLE = Pattern.compile("^bytes=(\\d{0,18})-(\\d{0,18})$");

    long length() {
        return end - start + 1;
    }

    /**
     * Empty when there is no usable single range (absent, multiple ranges, or another unit): the
     * whole blob is sent. Throws a 416 when the range cannot be satisfied.
     */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String first = m.group(1);
        String last = m.group(2);
        if (first.isEmpty() && last.isEmpty()) {
            return Optional.empty();
        }
        long start;
        long end;
        if (first.isEmpty()) {
            long suffix = Long.parseLong(last);
            if (suffix == 0 || size == 0) {
                throw unsatisfiable(size);
            }
            start = Math.max(0, size - suffix);
            end = size - 1;
        } else {
            start = Long.parseLong(first);
            end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (!last.isEmpty() && Long.parseLong(last) < start) {
                return Optional.empty(); // syntactically invalid: ignore the header
            }
            if (start >= size) {
                throw unsatisfiable(size);
            }
        }
        return Optional.of(new ByteRange(start, end));
    }

    private static RegistryException unsatisfiable(long size) {
        return new RegistryException(
                ErrorCode.SIZE_INVALID,
                416,
                "requested range not satisfiable",
                null,
                java.util.Map.of("Content-Range", "bytes */" + size));
    }
}
