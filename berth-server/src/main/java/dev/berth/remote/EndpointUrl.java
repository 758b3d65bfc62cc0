package dev.berth.remote;

import dev.berth.api.ApiException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Harbor's reading of an endpoint URL: trimmed, no trailing slash, {@code http://} when no scheme is
 * given, http or https only, and only scheme, host, port and path kept. A user name or password in
 * the URL is refused rather than dropped: it belongs in the credential, which is sealed.
 */
final class EndpointUrl {
    private EndpointUrl() {}

    static String normalize(String raw) {
        String s = raw == null ? "" : raw.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw ApiException.badRequest("empty string");
        }
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("invalid HTTP scheme: " + scheme);
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("invalid URL: put the user name and password in the credential");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.badRequest("invalid URL: no host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + "://" + uri.getRawAuthority() + path;
    }
}
