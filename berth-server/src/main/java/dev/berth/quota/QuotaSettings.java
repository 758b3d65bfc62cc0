package dev.berth.quota;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Storage quota settings ({@code berth.quota.*}).
 *
 * @param warningPercent a change that takes a project's usage to this share of its limit or past it
 *     (from below) writes a {@code QUOTA_WARNING} event, as Harbor's 85 %
 */
@ConfigurationProperties("berth.quota")
public record QuotaSettings(@DefaultValue("85") int warningPercent) {
    public QuotaSettings {
        if (warningPercent < 1 || warningPercent > 100) {
            throw new IllegalArgumentException("berth.quota.warning-percent must be between 1 and 100");
        }
    }
}
