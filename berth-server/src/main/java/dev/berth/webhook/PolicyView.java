package dev.berth.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Harbor's {@code WebhookPolicy} as the API returns it. Secrets are never returned: a target says
 * only whether it has an auth header or a signing secret.
 */
record PolicyView(
        long id,
        String name,
        String description,
        long projectId,
        List<TargetView> targets,
        List<String> eventTypes,
        String creator,
        Instant creationTime,
        Instant updateTime,
        boolean enabled) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record TargetView(
            String type,
            String address,
            @JsonInclude(JsonInclude.Include.ALWAYS) boolean skipCertVerify,
            String payloadFormat,
            @JsonInclude(JsonInclude.Include.ALWAYS) boolean hasAuthHeader,
            @JsonInclude(JsonInclude.Include.ALWAYS) boolean hasSigningSecret) {}

    static PolicyView of(WebhookPolicy p) {
        return new PolicyView(
                p.id(),
                p.name(),
                p.description(),
                p.projectId(),
                p.targets().stream()
                        .map(t -> new TargetView(
                                t.type(),
                                t.address(),
                                t.skipCertVerify(),
                                t.payloadFormat(),
                                t.authHeader().isPresent(),
                                t.signingSecret().isPresent()))
                        .toList(),
                p.eventTypes(),
                p.creator(),
                p.creationTime(),
                p.updateTime(),
                p.enabled());
    }
}
