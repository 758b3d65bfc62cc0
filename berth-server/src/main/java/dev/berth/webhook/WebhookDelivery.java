package dev.berth.webhook;

import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.UnrecoverableJobException;
import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * Delivers one event to one target: a {@code POST} of the payload queued with the execution, with
 * the target's auth header, Berth's delivery headers and, when the policy has a signing secret, the
 * payload's HMAC-SHA256 signature. A non-2xx answer, a timeout or a broken connection fails the
 * attempt (retried with a doubling backoff); each attempt's outcome goes into the task log as a
 * status and at most a few sanitized characters of the answer, never the auth header.
 *
 * <p>Headers: {@code X-Berth-Delivery} (the same for every attempt of one delivery, so receivers
 * can drop repeats), {@code X-Berth-Event} (Harbor's event type) and {@code X-Berth-Signature-256:
 * sha256=<hex>} over the exact body bytes.
 */
final class WebhookDelivery implements JobKind {
    static final String WEBHOOK = "WEBHOOK";
    static final String SLACK = "SLACK";
    static final String SIGNATURE_HEADER = "X-Berth-Signature-256";

    private final String name;
    private final WebhookPolicyRecords policies;
    private final OutboundHttp outbound;
    private final SecretBox secrets;
    private final WebhookSettings settings;
    private final Clock clock;

    WebhookDelivery(
            String name,
            WebhookPolicyRecords policies,
            OutboundHttp outbound,
            SecretBox secrets,
            WebhookSettings settings,
            Clock clock) {
        this.name = name;
        this.policies = policies;
        this.outbound = outbound;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxAttempts() {
        return settings.maxAttempts();
    }

    @Override
    public Duration retryBackoff() {
        return settings.retryBackoff();
    }

    @Override
    public Duration timeout() {
        return settings.connectTimeout().plus(settings.timeout()).plusSeconds(30);
    }

    @Override
    public void run(JobContext context) {
        JsonNode params = context.parameters();
        long policyId = params.path("policy_id").asLong();
        String address = params.path("address").asString();
        String eventType = params.path("event_type").asString();
        Optional<WebhookPolicy> policy = policies.find(policyId);
        if (policy.isEmpty()) {
            context.log("not sent: the policy was deleted");
            return;
        }
        if (!policy.get().enabled()) {
            context.log("not sent: the policy is disabled");
            return;
        }
        Optional<WebhookTarget> target =
                target(policy.get(), params.path("target").asInt(), address);
        if (target.isEmpty()) {
            context.log("not sent: the policy no longer sends to this address");
            return;
        }
        byte[] body = params.path("payload").asString().getBytes(StandardCharsets.UTF_8);
        PayloadFormat format = PayloadFormat.valueOf(params.path("format").asString("DEFAULT"));
        OutboundRequest request = OutboundRequest.post(URI.create(address), RequestBody.of(format.contentType(), body))
                .withHeader("X-Berth-Delivery", params.path("delivery_id").asString())
                .withHeader("X-Berth-Event", eventType);
        request = withSecrets(request, target.get(), policyId, body);
        OutboundClient client = outbound.client(
                Trust.PROJECT_USER,
                OutboundOptions.defaults()
                        .withTimeouts(settings.connectTimeout(), settings.timeout())
                        .withSkipCertVerify(target.get().skipCertVerify())
                        .withMaxResponseBytes(64 * 1024));
        String where = origin(address);
        context.log("sending " + eventType + " (" + body.length + " bytes, " + format.contentType() + ") to " + where);
        Instant start = clock.instant();
        try (OutboundResponse response = client.send(request)) {
            long ms = Duration.between(start, clock.instant()).toMillis();
            if (response.isSuccess()) {
                context.log("delivered: HTTP " + response.status() + " in " + ms + " ms");
                return;
            }
            String summary = response.summary();
            context.log("not accepted: " + summary + " after " + ms + " ms");
            throw new IllegalStateException("receiver answered " + summary);
        } catch (TargetRefusedException e) {
            context.log("not sent: " + e.getMessage());
            throw new UnrecoverableJobException("target refused: " + e.getMessage());
        } catch (OutboundException e) {
            context.log("not delivered: " + e.getMessage());
            throw new IllegalStateException(e.getMessage());
        } catch (IOException e) {
            context.log("not delivered: the connection broke");
            throw new IllegalStateException("connection broke");
        }
    }

    /** The target at {@code index} if it still sends to {@code address}, else any target that does. */
    private static Optional<WebhookTarget> target(WebhookPolicy policy, int index, String address) {
        if (index >= 0
                && index < policy.targets().size()
                && policy.targets().get(index).address().equals(address)) {
            return Optional.of(policy.targets().get(index));
        }
        return policy.targets().stream()
                .filter(t -> t.address().equals(address))
                .findFirst();
    }

    private OutboundRequest withSecrets(OutboundRequest request, WebhookTarget target, long policyId, byte[] body) {
        try {
            if (!target.isSlack() && target.authHeader().isPresent()) {
                request = request.withHeader(
                        "Authorization",
                        secrets.open(target.authHeader().get(), WebhookPolicies.authContext(policyId)));
            }
            if (target.signingSecret().isPresent()) {
                String key = secrets.open(target.signingSecret().get(), WebhookPolicies.signingContext(policyId));
                request = request.withHeader(SIGNATURE_HEADER, "sha256=" + hmac(key, body));
            }
            return request;
        } catch (SecretUnreadableException e) {
            throw new UnrecoverableJobException(
                    "the policy's secrets cannot be read with this server's secret key; set them again");
        }
    }

    static String hmac(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Scheme, host and port only: a path may hold a token (Slack's do). */
    private static String origin(String address) {
        URI uri = URI.create(address);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
