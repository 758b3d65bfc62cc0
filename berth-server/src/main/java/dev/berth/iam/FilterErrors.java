package dev.berth.iam;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A refusal written by a servlet filter, before any handler: the JSON both protocols use
 * ({@code {"errors":[{"code","message"}]}}), with the registry's version header on {@code /v2}.
 * Codes and messages are constants of the callers, so nothing needs escaping.
 */
public final class FilterErrors {
    private FilterErrors() {}

    public static void write(
            HttpServletRequest request, HttpServletResponse response, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        if (request.getRequestURI().startsWith("/v2")) {
            response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        }
        response.setContentType("application/json; charset=utf-8");
        String body = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
