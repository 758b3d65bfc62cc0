package dev.berth.webhook;

import java.util.Optional;

/**
 * Where a policy sends its events, as stored: secrets only sealed.
 *
 * @param type {@code http} or {@code slack}
 * @param payloadFormat {@code Default} or {@code CloudEvents} for http, empty for slack
 * @param authHeader the sealed {@code Authorization} value, if any
 * @param signingSecret the sealed key of the payload signature (Berth's), if any
 */
record WebhookTarget(
        String type,
        String address,
        boolean skipCertVerify,
        String payloadFormat,
        Optional<String> authHeader,
        Optional<String> signingSecret) {

    boolean isSlack() {
        return type.equals("slack");
    }

    /** The job type, and the execution's vendor type, of deliveries to this target. */
    String jobType() {
        return isSlack() ? WebhookDelivery.SLACK : WebhookDelivery.WEBHOOK;
    }
}
