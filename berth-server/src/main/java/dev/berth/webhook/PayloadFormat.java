package dev.berth.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a payload is written for a target: Harbor's {@code Default} JSON, CloudEvents 1.0 in
 * structured mode (as Harbor 2.10+ sends it), or a Slack message (Harbor's block layout).
 */
enum PayloadFormat {
    DEFAULT("Default", "application/json"),
    CLOUD_EVENTS("CloudEvents", "application/cloudevents+json"),
    SLACK("", "application/json");

    /** Payload JSON: snake_case, compact, in record order. */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final JsonMapper INDENTED =
            JSON.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final String wire;
    private final String contentType;

    PayloadFormat(String wire, String contentType) {
        this.wire = wire;
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    /** The format of a target: Slack for slack targets, else by its {@code payload_format}. */
    static PayloadFormat of(WebhookTarget target) {
        if (target.isSlack()) {
            return SLACK;
        }
        return target.payloadFormat().equals(CLOUD_EVENTS.wire) ? CLOUD_EVENTS : DEFAULT;
    }

    /**
     * The body to send.
     *
     * @param deliveryId the CloudEvents {@code id}: the same for every attempt of one delivery, so a
     *     receiver can tell a retry from a new event
     * @param source the CloudEvents {@code source}, Harbor's {@code /projects/{pid}/webhook/policies/{id}}
     */
    byte[] write(HarborPayload payload, UUID deliveryId, String source, String requestId) {
        return switch (this) {
            case DEFAULT -> JSON.writeValueAsBytes(payload);
            case CLOUD_EVENTS ->
                JSON.writeValueAsBytes(new CloudEvent(
                        "1.0",
                        deliveryId.toString(),
                        source,
                        CloudEventTypes.of(payload.type()),
                        "application/json",
                        Instant.ofEpochSecond(payload.occurAt())
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString(),
                        payload.operator(),
                        requestId,
                        payload.eventData()));
            case SLACK -> JSON.writeValueAsBytes(slack(payload));
        };
    }

    /** A CloudEvents 1.0 event in structured JSON; {@code operator} and {@code requestid} are Harbor's extensions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CloudEvent(
            String specversion,
            String id,
            String source,
            String type,
            String datacontenttype,
            String time,
            String operator,
            String requestid,
            HarborPayload.EventData data) {}

    /** Harbor's Slack message: a title, the event type, time and operator, and the event data as a code block. */
    private static SlackMessage slack(HarborPayload payload) {
        String eventData = new String(INDENTED.writeValueAsBytes(payload.eventData()), StandardCharsets.UTF_8);
        return new SlackMessage(List.of(
                SlackMessage.section("*Harbor webhook events*"),
                SlackMessage.section("*event_type:* " + payload.type()),
                SlackMessage.section("*occur_at:* <!date^" + payload.occurAt() + "^{date} at {time}|"
                        + Instant.ofEpochSecond(payload.occurAt()) + ">"),
                SlackMessage.section("*operator:* " + payload.operator()),
                SlackMessage.section("*event_data:*"),
                SlackMessage.section("```" + eventData + "```")));
    }

    /** A Slack message of markdown sections (Block Kit). */
    record SlackMessage(List<Block> blocks) {
        record Block(String type, Text text) {}

        record Text(String type, String text) {}

        static Block section(String markdown) {
            return new Block("section", new Text("mrkdwn", markdown));
        }
    }
}
