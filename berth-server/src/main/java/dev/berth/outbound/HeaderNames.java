package dev.berth.outbound;

import java.util.Map;
import java.util.regex.Pattern;

/** Header names and values a caller may send: no way to smuggle a second header or a body in. */
final class HeaderNames {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private HeaderNames() {}

    static Map<String, String> checked(Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (name == null || !TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid header name");
            }
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("invalid value for header " + name);
            }
        });
        return Map.copyOf(headers);
    }
}
