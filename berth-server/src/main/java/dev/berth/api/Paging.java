package dev.berth.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * Harbor's paging headers on a list response: {@code X-Total-Count} and a {@code Link} header of
 * {@code <path?…&page=N-1&page_size=M>; rel="prev" , <path?…&page=N+1&page_size=M>; rel="next"},
 * keeping the request's other parameters ({@code q}, {@code sort}, …) and percent-encoding them.
 * As in Harbor, {@code prev} appears only when the previous page has rows and {@code next} only
 * when rows remain.
 */
public final class Paging {
    public static final String TOTAL_COUNT = "X-Total-Count";
    public static final String LINK = "Link";

    private Paging() {}

    /** The headers for a page of {@code query} out of {@code total} rows, for a {@code ResponseEntity}. */
    public static HttpHeaders headers(HttpServletRequest request, ListQuery query, long total) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(TOTAL_COUNT, Long.toString(total));
        link(request.getRequestURI(), request.getParameterMap(), query.page(), query.pageSize(), total)
                .ifPresent(link -> headers.set(LINK, link));
        return headers;
    }

    /** Sets the same headers directly on {@code response}. */
    public static void write(HttpServletRequest request, HttpServletResponse response, ListQuery query, long total) {
        headers(request, query, total).forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    }

    /** The {@code Link} header value, if there is a neighbouring page. */
    static Optional<String> link(String path, Map<String, String[]> parameters, long page, long pageSize, long total) {
        Map<String, String[]> others = new LinkedHashMap<>(parameters);
        others.remove("page");
        others.remove("page_size");
        List<String> links = new ArrayList<>();
        if (page > 1 && (page - 1) * pageSize < total) {
            links.add("<" + url(path, others, page - 1, pageSize) + ">; rel=\"prev\"");
        }
        if (page * pageSize < total) {
            links.add("<" + url(path, others, page + 1, pageSize) + ">; rel=\"next\"");
        }
        return links.isEmpty() ? Optional.empty() : Optional.of(String.join(" , ", links));
    }

    private static String url(String path, Map<String, String[]> others, long page, long pageSize) {
        StringBuilder url = new StringBuilder(path).append('?');
        others.forEach((name, values) -> {
            for (String value : values) {
                url.append(encode(name)).append('=').append(encode(value)).append('&');
            }
        });
        return url.append("page=")
                .append(page)
                .append("&page_size=")
                .append(pageSize)
                .toString();
    }

    /** Percent-encodes all but RFC 3986's unreserved characters, so no decoder can misread a value. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
