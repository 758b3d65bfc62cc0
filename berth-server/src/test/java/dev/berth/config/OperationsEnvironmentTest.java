package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The BERTH_* switches as an operator sets them (environment variables) and what Spring gets. */
class OperationsEnvironmentTest {

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
        ConfigurationPropertySources.attach(env);
        new OperationsEnvironment().postProcessEnvironment(env, new SpringApplication());
        return env;
    }

    @Test
    void byDefaultOnlyHealthAndTheProbesAreOnTheApplicationPortAndNothingIsTraced() {
        StandardEnvironment env = environment(Map.of());
        assertThat(env.getProperty("management.server.port")).isNull();
        assertThat(env.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health");
        assertThat(env.getProperty("management.endpoint.health.probes.add-additional-paths"))
                .isEqualTo("true");
        assertThat(env.getProperty("management.prometheus.metrics.export.enabled"))
                .isEqualTo("false");
        assertThat(env.getProperty("management.tracing.export.enabled")).isEqualTo("false");
        assertThat(env.getProperty("management.tracing.sampling.probability")).isEqualTo("0.0");
        // Neither metrics nor spans: Spring's per-request observation would feed nothing.
        assertThat(env.getProperty("management.observations.enable.http.server.requests"))
                .isEqualTo("false");
        assertThat(env.getProperty("logging.structured.format.console")).isNull();
        assertThat(env.getProperty("server.ssl.bundle")).isNull();
    }

    @Test
    void environmentVariablesSwitchEverythingOn() {
        StandardEnvironment env = environment(Map.of(
                "BERTH_METRICS_ENABLED", "true",
                "BERTH_METRICS_PORT", "9191",
                "BERTH_LOG_FORMAT", "JSON",
                "BERTH_TRACING_OTLP_ENDPOINT", "http://collector:4318/v1/traces",
                "BERTH_TRACING_SAMPLE_RATE", "0.25",
                "BERTH_TLS_CERTIFICATE", "/etc/berth/tls.crt",
                "BERTH_TLS_PRIVATE_KEY", "/etc/berth/tls.key"));
        assertThat(env.getProperty("management.server.port")).isEqualTo("9191");
        assertThat(env.getProperty("management.endpoints.web.base-path")).isEqualTo("/");
        assertThat(env.getProperty("management.endpoints.web.path-mapping.prometheus"))
                .isEqualTo("metrics");
        assertThat(env.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health,prometheus");
        assertThat(env.getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(env.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(env.getProperty("management.tracing.sampling.probability")).isEqualTo("0.25");
        assertThat(env.getProperty("management.observations.enable.http.server.requests"))
                .isNull();
        assertThat(env.getProperty("spring.ssl.bundle.pem.berth.keystore.certificate"))
                .isEqualTo("file:/etc/berth/tls.crt");
        assertThat(env.getProperty("spring.ssl.bundle.pem.berth.keystore.private-key"))
                .isEqualTo("file:/etc/berth/tls.key");
        assertThat(env.getProperty("server.ssl.bundle")).isEqualTo("berth");
    }

    @Test
    void anExplicitSpringSettingWins() {
        StandardEnvironment env =
                environment(Map.of("BERTH_METRICS_ENABLED", "true", "MANAGEMENT_SERVER_PORT", "7000"));
        assertThat(env.getProperty("management.server.port")).isEqualTo("7000");
        // Metrics alone keep Spring's request observation: it feeds http_server_requests_seconds.
        assertThat(env.getProperty("management.observations.enable.http.server.requests"))
                .isNull();
    }

    @Test
    void halfATlsConfigurationOrAnUnknownLogFormatStopsTheStart() {
        assertThatThrownBy(() -> environment(Map.of("BERTH_TLS_CERTIFICATE", "/etc/berth/tls.crt")))
                .hasMessageContaining("berth.tls.private-key");
        assertThatThrownBy(() -> environment(Map.of("BERTH_LOG_FORMAT", "xml"))).hasMessageContaining("json or text");
    }
}
