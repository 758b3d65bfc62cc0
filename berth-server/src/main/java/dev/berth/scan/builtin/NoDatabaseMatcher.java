package dev.berth.scan.builtin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The matcher when no vulnerability database is part of this build: every SBOM gets a report with
 * no vulnerabilities and a note saying why, so a scan still succeeds and its SBOM is kept.
 */
@Configuration(proxyBeanMethods = false)
class NoDatabaseMatcher {
    static final String NOTE = "no vulnerability database is loaded: no package was matched against advisories";

    @Bean
    @ConditionalOnMissingBean(VulnerabilityMatcher.class)
    VulnerabilityMatcher vulnerabilityMatcherWithoutDatabase(JsonMapper json, Clock clock) {
        return cycloneDx -> {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("generated_at", clock.instant().toString());
            report.put("severity", "None");
            report.put("vulnerabilities", List.of());
            report.put("notes", List.of(NOTE));
            return json.writeValueAsString(report);
        };
    }
}
