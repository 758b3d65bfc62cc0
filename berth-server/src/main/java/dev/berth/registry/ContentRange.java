package dev.berth.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The inclusive byte range of an upload chunk, from {@code Content-Range: <start>-<end>}. */
record ContentRange(long start, long end) {
    // OCI clients send "0-1023"; some send the RFC form "bytes 0-1023/*".
    private static final Pattern FORM = Pattern.compile("^(?:bytes )?(\\d{1,18})-(\\d{1,18})(?:/(?:\\*|\\d{1,18}))?$");

    long length() {
        return end - start + 1;
    }

    /** Empty when the header is absent; an invalid header is a 416. */
    static Optional<ContentRange> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(header.trim());
        if (!m.matches()) {
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_INVALID, 416, "malformed Content-Range");
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end < start) {
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_INVALID, 416, "Content-Range ends before it starts");
        }
        return Optional.of(new ContentRange(start, end));
    }
}
