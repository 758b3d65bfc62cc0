package dev.berth.registry;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Online garbage collection ({@code berth.gc.*}).
 *
 * @param reviewDelay how long a blob or manifest that lost a reference is left alone before garbage
 *     collection may take it; it protects clients that upload blobs now and reference them later
 */
@ConfigurationProperties("berth.gc")
public record GcSettings(@DefaultValue("24h") Duration reviewDelay) {}
