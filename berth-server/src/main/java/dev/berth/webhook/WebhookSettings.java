package dev.berth.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook delivery ({@code berth.webhooks.*}).
 *
 * @param maxAttempts attempts per delivery, the first included (Harbor: 3); with the default
 *     backoff ten attempts span about 85 minutes, so a receiver that is down for an hour still
 *     gets everything
 * @param retryBackoff the wait before the second attempt; it doubles for each further one, up to an hour
 * @param connectTimeout how long to wait for the receiver's connection
 * @param timeout how long to wait for the receiver's answer (Harbor: 3 s)
 */
@ConfigurationProperties("berth.webhooks")
public record WebhookSettings(
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("10s") Duration retryBackoff,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration timeout) {
    public WebhookSettings {
        if (maxAttempts < 1 || maxAttempts > 50) {
            throw new IllegalArgumentException("berth.webhooks.max-attempts must be between 1 and 50");
        }
    }
}
