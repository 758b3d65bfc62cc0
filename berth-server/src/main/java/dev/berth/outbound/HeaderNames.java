package dev.berth.outbound;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Header names and values a caller may send: no way to smuggle a second header or a body in, and
 * none of the headers that HttpClient owns (framing, connection, the target host).
 */
final class HeaderNames {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "expect",
            "te",
            "trailer",
            "proxy-connection",
            "proxy-authorization");

    private HeaderNames() {}

    static Map<String, String> checked(Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (name == null || !TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid header name");
            }
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the HTTP client");
            }
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("invalid value for header " + name);
            }
        });
        return Map.copyOf(headers);
    }
}
