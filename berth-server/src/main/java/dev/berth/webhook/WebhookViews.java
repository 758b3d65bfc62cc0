package dev.berth.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** The other shapes of Harbor's webhook API. */
final class WebhookViews {
    private WebhookViews() {}

    /** Harbor's {@code WebhookLastTrigger}: per policy and event type, when it last fired. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LastTrigger(
            String policyName, String eventType, boolean enabled, Instant creationTime, Instant lastTriggerTime) {}

    /** Harbor's {@code SupportedWebhookEventTypes}. */
    record Supported(List<String> eventType, List<String> notifyType, List<PayloadFormats> payloadFormats) {}

    record PayloadFormats(String notifyType, List<String> formats) {}

    /** Harbor's deprecated {@code WebhookJob}: an execution seen the old way. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Job(
            long id,
            long policyId,
            String eventType,
            String notifyType,
            String status,
            String jobDetail,
            Instant creationTime,
            Instant updateTime) {}
}
