package dev.berth.remote;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge from a registry's 401: {@code Basic realm="..."} or Docker's
 * token protocol, {@code Bearer realm="https://auth/token",service="registry",scope="..."}.
 *
 * @param scheme {@code basic} or {@code bearer}, lower case
 * @param params the quoted (or bare) parameters, names in lower case
 */
record Challenge(String scheme, Map<String, String> params) {
    static Optional<Challenge> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("basic") && !scheme.equals("bearer")) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? h.length() : space + 1;
        while (i < h.length()) {
            while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < h.length() && h.charAt(j) == '"') {
                j++;
                while (j < h.length() && h.charAt(j) != '"') {
                    if (h.charAt(j) == '\\' && j + 1 < h.length()) {
                        j++;
                    }
                    value.append(h.charAt(j++));
                }
                j++;
            } else {
                while (j < h.length() && h.charAt(j) != ',') {
                    value.append(h.charAt(j++));
                }
            }
            params.put(name, value.toString().trim());
            i = j;
        }
        return Optional.of(new Challenge(scheme, Map.copyOf(params)));
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
    }
}
