package dev.berth.webhook;

import dev.berth.api.ApiException;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Webhook policies brought from elsewhere (Harbor's {@code notification_policy}): created through the
 * same checks as the API's (event types, target types, outbound address rules), secrets sealed.
 */
@Service
public class WebhookPolicyImport {
    private final WebhookPolicies policies;

    WebhookPolicyImport(WebhookPolicies policies) {
        this.policies = policies;
    }

    /** A target as Harbor stores it; {@code authHeader} may be null. */
    public record Target(
            String type, String address, String authHeader, boolean skipCertVerify, String payloadFormat) {}

    public sealed interface Result {
        record Created(long id) implements Result {}

        record Existing() implements Result {}

        record Refused(String reason) implements Result {}
    }

    /** Whether the project has a policy of this name (a policy is known by project and name). */
    public boolean exists(long projectId, String name) {
        return policies.all(projectId).stream().anyMatch(p -> p.name().equals(name.trim()));
    }

    /** Creates the policy unless one of its name exists; refused when Berth's checks refuse it. */
    public Result create(
            long projectId,
            String name,
            String description,
            List<String> eventTypes,
            List<Target> targets,
            String creator,
            boolean enabled) {
        if (name != null && exists(projectId, name)) {
            return new Result.Existing();
        }
        try {
            PolicyRequest request = new PolicyRequest(
                    name,
                    description,
                    targets.stream()
                            .map(t -> new PolicyRequest.TargetRequest(
                                    t.type(), t.address(), t.authHeader(), t.skipCertVerify(), t.payloadFormat(), null))
                            .toList(),
                    eventTypes,
                    enabled);
            return new Result.Created(policies.create(projectId, creator, request));
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
