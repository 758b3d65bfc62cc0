package dev.berth.preheat;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * P2P preheat ({@code berth.preheat.*}).
 *
 * @param pollInterval how often a task asks the provider how its job is doing (Harbor: 10 s)
 * @param pollTimeout how long a task waits for the provider's job to finish (Harbor: about 30 min)
 * @param connectTimeout how long to wait for the provider's connection
 * @param timeout how long to wait for the provider's answer
 */
@ConfigurationProperties("berth.preheat")
public record PreheatSettings(
        @DefaultValue("10s") Duration pollInterval,
        @DefaultValue("30m") Duration pollTimeout,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration timeout) {}
