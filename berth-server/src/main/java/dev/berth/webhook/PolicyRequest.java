package dev.berth.webhook;

import java.util.List;

/**
 * The body of a policy create or update, Harbor's {@code WebhookPolicy}: fields Harbor's clients
 * send back from a GET ({@code id}, {@code project_id}, {@code creator}, times) are accepted and
 * ignored. {@code enabled} missing means false, as in Harbor.
 */
record PolicyRequest(
        String name, String description, List<TargetRequest> targets, List<String> eventTypes, Boolean enabled) {

    /**
     * Harbor's {@code WebhookTargetObject}, plus Berth's {@code signing_secret}.
     *
     * @param authHeader sent as {@code Authorization}; write-only. On update, missing or null keeps
     *     the stored value if the address is unchanged, {@code ""} removes it
     * @param signingSecret the key of the {@code X-Berth-Signature-256} payload signature; write-only,
     *     kept and removed as {@code auth_header} is
     */
    record TargetRequest(
            String type,
            String address,
            String authHeader,
            Boolean skipCertVerify,
            String payloadFormat,
            String signingSecret) {}
}
