package dev.berth.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The one path every filter and the registry's router decide on: the request URI with each
 * segment percent-decoded once, computed once per request (by {@code web.CanonicalPathFilter},
 * before authentication, CSRF, read-only mode and the rest) and kept as a request attribute.
 *
 * <p>A path has a canonical form only when it is spelled unambiguously, so that the string a filter
 * compares and the route Spring MVC or the servlet container picks cannot differ. Refused, so the
 * request never reaches a filter that decides on its path:
 *
 * <ul>
 *   <li>{@code ;} anywhere: path parameters, which routing strips and a raw comparison keeps
 *       ({@code /api;x/v2.0/projects});
 *   <li>an empty segment ({@code //}), a {@code .} or {@code ..} segment, plain or encoded;
 *   <li>an encoded {@code /} or {@code \} ({@code %2F}, {@code %5C}), a raw {@code \}, control
 *       characters, raw characters outside printable ASCII, malformed escapes or UTF-8;
 *   <li>any escape in the first segment, the route's prefix ({@code /%61pi/...}), and a prefix the
 *       server owns spelled in another case ({@code /API/}, {@code /V2/}).
 * </ul>
 *
 * <p>Escapes elsewhere are decoded once and kept: Harbor double-encodes the {@code /} of a
 * repository name in REST paths ({@code a%252Fb}), which is {@code a%2Fb} here, as the handler
 * receives it.
 */
public final class RequestPath {
    /** The request attribute holding the canonical path. */
    public static final String ATTRIBUTE = "berth.path";

    /** First segments the server owns; another spelling of one of them is refused. */
    private static final Set<String> OWNED_PREFIXES =
            Set.of("api", "v2", "c", "service", "actuator", "metrics", "livez", "readyz", "assets");

    private RequestPath() {}

    /** A canonical path, or why the raw one has none. */
    public sealed interface Result {
        record Canonical(String path) implements Result {}

        record Refused(String reason) implements Result {}
    }

    /**
     * The request's canonical path. Requests without one are refused before any caller runs; should
     * a caller run without the filter having run first, the path is computed here, and a path without
     * a canonical form is an error rather than a guess.
     */
    public static String of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String path) {
            return path;
        }
        return switch (canonicalise(rawPath(request))) {
            case Result.Canonical c -> c.path();
            case Result.Refused r ->
                throw new IllegalStateException("a request without a canonical path: " + r.reason());
        };
    }

    /** Whether the request is for the registry API ({@code /v2}, {@code /v2/...}). */
    public static boolean isRegistry(HttpServletRequest request) {
        return isRegistry(of(request));
    }

    public static boolean isRegistry(String canonicalPath) {
        return canonicalPath.equals("/v2") || canonicalPath.startsWith("/v2/");
    }

    /** The URI as the client sent it, without the (empty) context path. */
    public static String rawPath(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /**
     * Whether a path that may have no canonical form looks like a registry request, to answer its
     * refusal in the registry's format: its first segment, ignoring extra slashes, parameters,
     * escapes and case.
     */
    public static boolean looksLikeRegistry(String rawPath) {
        int from = 0;
        while (from < rawPath.length() && rawPath.charAt(from) == '/') {
            from++;
        }
        String first = rawPath.substring(from);
        int end = first.indexOf('/');
        first = end < 0 ? first : first.substring(0, end);
        int semicolon = first.indexOf(';');
        first = semicolon < 0 ? first : first.substring(0, semicolon);
        String decoded = decode(first);
        decoded = decoded == null ? first : decoded;
        int cut = 0;
        while (cut < decoded.length() && "/\\".indexOf(decoded.charAt(cut)) < 0) {
            cut++;
        }
        return decoded.substring(0, cut).toLowerCase(Locale.ROOT).equals("v2");
    }

    /** The canonical form of a raw request path, or why it has none. */
    public static Result canonicalise(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            return new Result.Refused("the path must start with /");
        }
        if (raw.indexOf(';') >= 0) {
            return new Result.Refused("path parameters (;) are not accepted");
        }
        if (raw.indexOf('\\') >= 0) {
            return new Result.Refused("a backslash is not accepted in a path");
        }
        if (raw.contains("//")) {
            return new Result.Refused("empty path segments (//) are not accepted");
        }
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) >= 0x7f || raw.charAt(i) < 0x20) {
                return new Result.Refused("characters outside printable ASCII must be percent-encoded");
            }
        }
        StringBuilder canonical = new StringBuilder(raw.length());
        int start = 1;
        boolean first = true;
        while (start <= raw.length()) {
            int end = raw.indexOf('/', start);
            if (end < 0) {
                end = raw.length();
            }
            String segment = raw.substring(start, end);
            String decoded = decode(segment);
            if (decoded == null) {
                return new Result.Refused("malformed percent-encoding in the path");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                return new Result.Refused(". and .. segments are not accepted");
            }
            for (int i = 0; i < decoded.length(); i++) {
                char c = decoded.charAt(i);
                if (c == '/' || c == '\\') {
                    return new Result.Refused("an encoded slash or backslash is not accepted in a path");
                }
                if (c < 0x20 || c == 0x7f) {
                    return new Result.Refused("control characters are not accepted in a path");
                }
            }
            if (first) {
                if (segment.indexOf('%') >= 0) {
                    return new Result.Refused("the first path segment must not be percent-encoded");
                }
                String lower = segment.toLowerCase(Locale.ROOT);
                if (!lower.equals(segment) && OWNED_PREFIXES.contains(lower)) {
                    return new Result.Refused("/" + lower + "/ must be spelled in lower case");
                }
                first = false;
            }
            canonical.append('/').append(decoded);
            start = end + 1;
        }
        return new Result.Canonical(canonical.toString());
    }

    /** One round of percent-decoding as UTF-8 ({@code +} stays itself); null when malformed. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(c); // printable ASCII: canonicalise refused anything else before
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
