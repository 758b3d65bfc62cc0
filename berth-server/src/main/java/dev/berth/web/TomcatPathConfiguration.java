package dev.berth.web;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat passes an encoded {@code /} or {@code \} through untouched instead of refusing it itself
 * with an HTML page: {@link CanonicalPathFilter} refuses such paths, in the error format of the
 * API the client was talking to.
 */
@Configuration(proxyBeanMethods = false)
class TomcatPathConfiguration {
    @Bean
    TomcatConnectorCustomizer encodedSlashesReachTheFilters() {
        return connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        };
    }
}
