package dev.berth.webhook;

import dev.berth.crypto.SecretBox;
import dev.berth.job.JobKind;
import dev.berth.outbound.OutboundHttp;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The two delivery job kinds, Harbor's {@code WEBHOOK} (http targets) and {@code SLACK}. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {
    @Bean
    JobKind webhookDelivery(
            WebhookPolicyRecords policies,
            OutboundHttp outbound,
            SecretBox secrets,
            WebhookSettings settings,
            Clock clock) {
        return new WebhookDelivery(WebhookDelivery.WEBHOOK, policies, outbound, secrets, settings, clock);
    }

    @Bean
    JobKind slackDelivery(
            WebhookPolicyRecords policies,
            OutboundHttp outbound,
            SecretBox secrets,
            WebhookSettings settings,
            Clock clock) {
        return new WebhookDelivery(WebhookDelivery.SLACK, policies, outbound, secrets, settings, clock);
    }
}
