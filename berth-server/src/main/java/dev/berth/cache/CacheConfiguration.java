package dev.berth.cache;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CacheConfiguration {
    /** Redis when {@code berth.redis.url} is set, otherwise invalidations stay on this replica. */
    @Bean
    CacheInvalidations cacheInvalidations(
            @Value("${berth.redis.url:}") String url, @Value("${berth.redis.prefix:berth:}") String prefix) {
        return url.isBlank() ? new LocalInvalidations() : new RedisInvalidations(url, prefix);
    }

    /** For the actuator's health: "down" while the configured Redis is unreachable. */
    @Bean
    @ConditionalOnExpression("!'${berth.redis.url:}'.isBlank()")
    HealthIndicator redis(CacheInvalidations invalidations) {
        return () -> invalidations
                .status()
                .map(s -> s.error()
                        .map(e -> Health.down().withDetail("error", e).build())
                        .orElseGet(() -> Health.up().build()))
                .orElseGet(() -> Health.unknown().build());
    }
}
