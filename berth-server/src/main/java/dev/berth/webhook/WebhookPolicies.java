package dev.berth.webhook;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.crypto.SecretBox;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * A project's webhook policies: Harbor's validation (event types, notify types, payload formats,
 * addresses), a name unique in the project, every address checked by the outbound rules for targets
 * project users configure, and secrets sealed before they are stored.
 */
@Service
class WebhookPolicies {
    private static final int MAX_NAME = 256;
    private static final int MAX_SECRET = 4096;
    private static final int MIN_SIGNING_SECRET = 16;

    private final WebhookPolicyRecords records;
    private final OutboundHttp outbound;
    private final SecretBox secrets;
    private final Clock clock;

    WebhookPolicies(WebhookPolicyRecords records, OutboundHttp outbound, SecretBox secrets, Clock clock) {
        this.records = records;
        this.outbound = outbound;
        this.secrets = secrets;
        this.clock = clock;
    }

    static String authContext(long policyId) {
        return "webhook_policy:" + policyId + ":auth_header";
    }

    static String signingContext(long policyId) {
        return "webhook_policy:" + policyId + ":signing_secret";
    }

    SqlPage<WebhookPolicy> list(long projectId, ListQuery query) {
        return records.list(projectId, query);
    }

    List<WebhookPolicy> all(long projectId) {
        return records.ofProject(projectId);
    }

    /** The policy if it belongs to the project; a policy of another project is a 404 here. */
    WebhookPolicy get(long projectId, long id) {
        return records.find(projectId, id)
                .orElseThrow(() ->
                        ApiException.notFound("project id:" + projectId + ", webhook policy id: " + id + " not found"));
    }

    long create(long projectId, String creator, PolicyRequest request) {
        long id = records.nextId();
        Instant now = clock.instant();
        WebhookPolicy policy = new WebhookPolicy(
                id,
                projectId,
                name(request),
                description(request),
                eventTypes(request),
                targets(request, id, List.of()),
                creator,
                Boolean.TRUE.equals(request.enabled()),
                now,
                now);
        if (!records.insert(policy)) {
            throw ApiException.conflict("notification policy named " + policy.name() + " already exists");
        }
        return id;
    }

    void update(long projectId, long id, PolicyRequest request) {
        WebhookPolicy current = get(projectId, id);
        WebhookPolicy updated = new WebhookPolicy(
                id,
                projectId,
                name(request),
                description(request),
                eventTypes(request),
                targets(request, id, current.targets()),
                current.creator(),
                Boolean.TRUE.equals(request.enabled()),
                current.creationTime(),
                clock.instant());
        if (!records.update(updated)) {
            throw ApiException.conflict("notification policy named " + updated.name() + " already exists");
        }
    }

    void delete(long projectId, long id) {
        get(projectId, id);
        records.delete(projectId, id);
    }

    private static String name(PolicyRequest request) {
        String name = request.name() == null ? "" : request.name().trim();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw ApiException.badRequest("the policy name must be 1 to " + MAX_NAME + " characters");
        }
        return name;
    }

    private static String description(PolicyRequest request) {
        return request.description() == null ? "" : request.description();
    }

    private static List<String> eventTypes(PolicyRequest request) {
        if (request.eventTypes() == null || request.eventTypes().isEmpty()) {
            throw ApiException.badRequest("empty event type");
        }
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (String type : request.eventTypes()) {
            if (type == null || !WebhookEventTypes.supported(type)) {
                throw ApiException.badRequest("unsupported event type " + type);
            }
            types.add(type);
        }
        return List.copyOf(types);
    }

    /** The request's targets, checked, with their secrets sealed (or kept from {@code current}). */
    private List<WebhookTarget> targets(PolicyRequest request, long policyId, List<WebhookTarget> current) {
        if (request.targets() == null || request.targets().isEmpty()) {
            throw ApiException.badRequest("empty notification target with policy " + request.name());
        }
        List<WebhookTarget> targets = new ArrayList<>();
        for (PolicyRequest.TargetRequest t : request.targets()) {
            if (t == null || t.type() == null || !WebhookEventTypes.NOTIFY_TYPES.contains(t.type())) {
                throw ApiException.badRequest(
                        "unsupported target type " + (t == null ? null : t.type()) + " with policy " + request.name());
            }
            String format = t.payloadFormat() == null ? "" : t.payloadFormat();
            if (t.type().equals("slack") && !format.isEmpty()) {
                throw ApiException.badRequest("set payload format is not allowed for slack");
            }
            if (!format.isEmpty() && !WebhookEventTypes.HTTP_FORMATS.contains(format)) {
                throw ApiException.badRequest("unsupported payload format type: " + format);
            }
            if (t.type().equals("http") && format.isEmpty()) {
                format = "Default";
            }
            String address = address(t.address());
            Optional<WebhookTarget> before =
                    current.stream().filter(c -> c.address().equals(address)).findFirst();
            targets.add(new WebhookTarget(
                    t.type(),
                    address,
                    Boolean.TRUE.equals(t.skipCertVerify()),
                    format,
                    secret(
                            t.authHeader(),
                            before.flatMap(WebhookTarget::authHeader),
                            authContext(policyId),
                            1,
                            "auth_header"),
                    secret(
                            t.signingSecret(),
                            before.flatMap(WebhookTarget::signingSecret),
                            signingContext(policyId),
                            MIN_SIGNING_SECRET,
                            "signing_secret")));
        }
        return targets;
    }

    /**
     * A secret as given (sealed), kept (null: the stored one, for the same address only), or
     * removed ({@code ""}).
     */
    private Optional<String> secret(
            String given, Optional<String> stored, String context, int minLength, String field) {
        if (given == null) {
            return stored;
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        if (given.length() < minLength
                || given.length() > MAX_SECRET
                || given.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.badRequest(
                    field + " must be " + minLength + " to " + MAX_SECRET + " printable characters");
        }
        return Optional.of(secrets.seal(given, context));
    }

    /**
     * Harbor's reading of an address (trimmed, {@code http://} when no scheme is given, http or https
     * only, no trailing slash), then the outbound rules for targets project users configure.
     */
    private String address(String raw) {
        String address = raw == null ? "" : raw.trim();
        while (address.endsWith("/")) {
            address = address.substring(0, address.length() - 1);
        }
        if (address.isEmpty()) {
            throw ApiException.badRequest("empty URL");
        }
        int scheme = address.indexOf("://");
        if (scheme < 0) {
            address = "http://" + address;
        } else if (!address.startsWith("http://") && !address.startsWith("https://")) {
            throw ApiException.badRequest("invalid scheme: " + address.substring(0, scheme));
        }
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid URL: " + e.getReason());
        }
        if (uri.getRawFragment() != null) {
            throw ApiException.badRequest("invalid URL: a webhook address has no fragment");
        }
        try {
            outbound.check(uri, Trust.PROJECT_USER);
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest("webhook address refused: " + e.getMessage());
        }
        return address;
    }
}
