package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code berth.outbound.*} as Spring binds it, and the bean as the application gets it. */
class OutboundSettingsTest {
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(OutboundSettings.class)
    @Import(OutboundHttp.class)
    static class Wiring {}

    @Configuration(proxyBeanMethods = false)
    static class FixedDns {
        @Bean
        HostResolver hostResolver() {
            return host -> List.of(InetAddress.getByName("127.0.0.1"));
        }
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void theEnvironmentVariableTakesCommaSeparatedNetworks() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(
                "env", Map.of("BERTH_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.1/32,10.20.0.0/16, fd00::/8")));
        OutboundSettings settings = new Binder(ConfigurationPropertySources.from(sources))
                .bind("berth.outbound", OutboundSettings.class)
                .get();
        assertThat(settings.allowedNetworks()).containsExactly("127.0.0.1/32", "10.20.0.0/16", "fd00::/8");
    }

    @Test
    void nothingIsOpenedByDefault() {
        context.run(app -> {
            assertThat(app.getBean(OutboundSettings.class).allowedNetworks()).isEmpty();
            assertThatThrownBy(() -> app.getBean(OutboundHttp.class).check("http://127.0.0.1/", Trust.ADMINISTRATOR))
                    .isInstanceOf(TargetRefusedException.class);
        });
    }

    @Test
    void theApplicationUsesTheAllowedNetworksAndAResolverBeanWhenThereIsOne() {
        context.withUserConfiguration(FixedDns.class)
                .withPropertyValues("berth.outbound.allowed-networks=127.0.0.1/32")
                .run(app -> {
                    OutboundHttp outbound = app.getBean(OutboundHttp.class);
                    // only the test's resolver says this name is 127.0.0.1
                    assertThatCode(() -> outbound.check("http://receiver.test/", Trust.PROJECT_USER))
                            .doesNotThrowAnyException();
                    assertThatThrownBy(() -> outbound.check("http://127.0.0.2/", Trust.PROJECT_USER))
                            .isInstanceOf(TargetRefusedException.class);
                });
    }

    @Test
    void aMistypedNetworkStopsTheStartWithTheSettingsName() {
        context.withPropertyValues("berth.outbound.allowed-networks=10.0.0.0/8,10.0.0.0/33")
                .run(app -> {
                    assertThat(app).hasFailed();
                    assertThat(app.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("berth.outbound.allowed-networks")
                            .hasMessageContaining("10.0.0.0/33");
                });
        for (String wrong : List.of("localhost", "10.0.0/8", "0x7f.1/32", "10.0.0.0/x", "")) {
            assertThatThrownBy(() -> OutboundSettings.allowing(wrong))
                    .as(wrong)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
