package dev.berth.iam;

import dev.berth.http.RequestPath;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A refusal written by a servlet filter, before any handler: the JSON both protocols use
 * ({@code {"errors":[{"code","message"}]}}), with the registry's version header on {@code /v2}.
 * Codes and messages are the callers' own text; quotes and backslashes are escaped all the same.
 */
public final class FilterErrors {
    private FilterErrors() {}

    public static void write(
            HttpServletRequest request, HttpServletResponse response, int status, String code, String message)
            throws IOException {
        write(response, RequestPath.isRegistry(request), status, code, message);
    }

    /** For a refusal decided before the request has a canonical path: the caller says which API it is. */
    public static void write(HttpServletResponse response, boolean registry, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        if (registry) {
            response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        }
        response.setContentType("application/json; charset=utf-8");
        String body = "{\"errors\":[{\"code\":\"" + escape(code) + "\",\"message\":\"" + escape(message) + "\"}]}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
