package dev.berth.support.contract;

import dev.berth.support.HarborSwagger;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Holds back each {@code /api/v2.0} response until it has been checked against Harbor's swagger,
 * then sends it unchanged; what does not keep the contract goes to {@link ContractViolations}, where
 * the test that caused it finds it. Checking before sending means the violation is recorded before
 * the test's client sees the response.
 */
final class ContractFilter extends OncePerRequestFilter {
    private final ResponseContract contract;

    ContractFilter(ResponseContract contract) {
        this.contract = contract;
    }

    /** The body as the client reads it: a page Berth keeps gzipped is sent with Content-Encoding. */
    private static byte[] decoded(ContentCachingResponseWrapper held) throws IOException {
        byte[] body = held.getContentAsByteArray();
        String encoding = held.getHeader("Content-Encoding");
        if (body.length == 0 || encoding == null || !encoding.contains("gzip")) {
            return body;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(HarborSwagger.BASE_PATH + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, held);
        } finally {
            try {
                contract.check(
                                request.getMethod(),
                                request.getRequestURI(),
                                held.getStatus(),
                                held.getContentType(),
                                decoded(held))
                        .forEach(ContractViolations::add);
            } catch (RuntimeException | IOException e) {
                ContractViolations.add(new Violation(
                        request.getMethod(),
                        request.getRequestURI(),
                        held.getStatus(),
                        "-",
                        "",
                        "checker",
                        "the contract check itself failed: " + e));
            }
            held.copyBodyToResponse();
        }
    }
}
