package dev.berth.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest {@code <algorithm>:<hex>} as the OCI image spec defines it, restricted to the
 * algorithms a registry must verify: sha256 and sha512.
 */
public record Digest(Algorithm algorithm, String hex) implements Comparable<Digest> {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String prefix;
        private final String jcaName;
        private final int hexLength;

        Algorithm(String prefix, String jcaName, int hexLength) {
            this.prefix = prefix;
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        public String prefix() {
            return prefix;
        }

        public MessageDigest newHasher() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks " + jcaName, e);
            }
        }

        public static Optional<Algorithm> byPrefix(String prefix) {
            for (Algorithm a : values()) {
                if (a.prefix.equals(prefix)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public Digest {
        if (algorithm == null
                || hex == null
                || hex.length() != algorithm.hexLength
                || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid digest");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}; empty for anything else. */
    public static Optional<Digest> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String hex = text.substring(colon + 1);
        return Algorithm.byPrefix(text.substring(0, colon))
                .filter(a -> hex.length() == a.hexLength && HEX.matcher(hex).matches())
                .map(a -> new Digest(a, hex));
    }

    /** True when the text has the shape of a digest ({@code alg:encoded}), supported or not. */
    public static boolean looksLikeDigest(String text) {
        return text != null && text.indexOf(':') > 0;
    }

    public static Digest of(Algorithm algorithm, byte[] content) {
        MessageDigest md = algorithm.newHasher();
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(content)));
    }

    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, content);
    }

    public static Digest fromHasher(Algorithm algorithm, MessageDigest finished) {
        return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
    }

    @Override
    public String toString() {
        return algorithm.prefix + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
