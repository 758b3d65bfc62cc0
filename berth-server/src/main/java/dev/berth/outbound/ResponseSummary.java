package dev.berth.outbound;

import java.io.IOException;
import java.io.InputStream;

/** A receiver's status with a few printable characters of its body, never more. */
final class ResponseSummary {
    static final int MAX_CHARS = 64;
    private static final int MAX_READ = 256;

    private ResponseSummary() {}

    static String of(int status, InputStream body) {
        byte[] start;
        try {
            start = body.readNBytes(MAX_READ);
        } catch (IOException e) {
            start = new byte[0];
        }
        String text = printable(start);
        return text.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + text;
    }

    /**
     * Letters, digits and plain punctuation only; runs of anything else (whitespace, controls,
     * non-ASCII, markup and escape characters) become one space.
     */
    static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        boolean gap = false;
        for (byte b : bytes) {
            if (out.length() >= MAX_CHARS) {
                break;
            }
            if (isPlain(b)) {
                if (gap && !out.isEmpty()) {
                    out.append(' ');
                }
                out.append((char) b);
                gap = false;
            } else {
                gap = true;
            }
        }
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) : out.toString();
    }

    private static boolean isPlain(byte b) {
        return (b >= '0' && b <= '9')
                || (b >= 'A' && b <= 'Z')
                || (b >= 'a' && b <= 'z')
                || ".,:;!?()[]{}_-+=/#@%*'\"".indexOf(b) >= 0;
    }
}
