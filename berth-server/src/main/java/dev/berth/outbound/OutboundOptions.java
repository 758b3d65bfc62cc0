package dev.berth.outbound;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a client calls its targets. Start from {@link #defaults()} and change what the feature needs:
 *
 * <pre>{@code
 * OutboundOptions.defaults()
 *         .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
 *         .withSkipCertVerify(policy.skipCertVerify())
 *         .withHeader("Authorization", policy.authHeader())
 * }</pre>
 *
 * @param connectTimeout how long to wait for the TCP connection and the TLS handshake
 * @param readTimeout how long to wait for the response head, and between two reads of its body
 * @param skipCertVerify accept any certificate and host name over https (the target's own {@code
 *     skip_cert_verify}/{@code insecure} setting); only this client's connections are affected
 * @param headers sent with every request of this client, but never to another origin that a
 *     redirect points at (auth headers stay with the target their owner configured)
 * @param maxRedirects how many redirects to follow; {@code 0} (the default) returns a 3xx response
 *     as it is. Each hop is checked by the same rules before it is connected to
 * @param maxResponseBytes reading more than this from a response body fails
 * @param trustedCertificates PEM certificates that are the only trust anchors of this client's
 *     https connections instead of the JVM's (a pinned server certificate, or the CA that issued
 *     it); empty for the JVM's. Host names are still verified; ignored with {@code skipCertVerify}
 */
public record OutboundOptions(
        Duration connectTimeout,
        Duration readTimeout,
        boolean skipCertVerify,
        Map<String, String> headers,
        int maxRedirects,
        long maxResponseBytes,
        String trustedCertificates) {
    /** The most redirects any client may follow. */
    public static final int REDIRECT_LIMIT = 5;

    public OutboundOptions {
        if (!isSane(connectTimeout) || !isSane(readTimeout)) {
            throw new IllegalArgumentException("timeouts must be between 1 ms and 1 hour");
        }
        if (maxRedirects < 0 || maxRedirects > REDIRECT_LIMIT) {
            throw new IllegalArgumentException("maxRedirects must be between 0 and " + REDIRECT_LIMIT);
        }
        if (maxResponseBytes < 0) {
            throw new IllegalArgumentException("maxResponseBytes must not be negative");
        }
        headers = HeaderNames.checked(headers);
        trustedCertificates = trustedCertificates == null ? "" : trustedCertificates.strip();
    }

    /** Connect within 10 s, answer within 30 s, verify certificates, no redirects, 1 MiB bodies. */
    public static OutboundOptions defaults() {
        return new OutboundOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), false, Map.of(), 0, 1 << 20, "");
    }

    public OutboundOptions withTimeouts(Duration connect, Duration read) {
        return new OutboundOptions(
                connect, read, skipCertVerify, headers, maxRedirects, maxResponseBytes, trustedCertificates);
    }

    public OutboundOptions withSkipCertVerify(boolean skip) {
        return new OutboundOptions(
                connectTimeout, readTimeout, skip, headers, maxRedirects, maxResponseBytes, trustedCertificates);
    }

    /** Adds (or replaces) a header; a blank value removes it, so optional auth headers read naturally. */
    public OutboundOptions withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.keySet().removeIf(name::equalsIgnoreCase);
        if (value != null && !value.isBlank()) {
            all.put(name, value);
        }
        return new OutboundOptions(
                connectTimeout, readTimeout, skipCertVerify, all, maxRedirects, maxResponseBytes, trustedCertificates);
    }

    public OutboundOptions withMaxRedirects(int max) {
        return new OutboundOptions(
                connectTimeout, readTimeout, skipCertVerify, headers, max, maxResponseBytes, trustedCertificates);
    }

    public OutboundOptions withMaxResponseBytes(long max) {
        return new OutboundOptions(
                connectTimeout, readTimeout, skipCertVerify, headers, maxRedirects, max, trustedCertificates);
    }

    /** Trusts only these PEM certificates over https (see {@link #trustedCertificates}). */
    public OutboundOptions withTrustedCertificates(String pem) {
        return new OutboundOptions(
                connectTimeout, readTimeout, skipCertVerify, headers, maxRedirects, maxResponseBytes, pem);
    }

    /** Header names only: values are often credentials. */
    @Override
    public String toString() {
        return "OutboundOptions[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", skipCertVerify=" + skipCertVerify + ", headers=" + headers.keySet()
                + ", maxRedirects=" + maxRedirects + ", maxResponseBytes=" + maxResponseBytes
                + ", pinned=" + !trustedCertificates.isEmpty() + "]";
    }

    private static boolean isSane(Duration d) {
        return d != null && d.toNanos() >= 1_000_000 && d.compareTo(Duration.ofHours(1)) <= 0;
    }
}
