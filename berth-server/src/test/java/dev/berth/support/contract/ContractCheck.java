package dev.berth.support.contract;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * The contract check as a source of a test server's application ({@code BerthServer} adds it to
 * every server it starts): the filter runs right after the request id is set, outside every other
 * filter, so it sees the response exactly as the client gets it, error bodies written by filters
 * included. Deliberately not a {@code @Configuration}, so that component scanning of {@code
 * dev.berth} does not pick it up a second time.
 */
public class ContractCheck {
    @Bean
    FilterRegistrationBean<ContractFilter> harborContractFilter() {
        FilterRegistrationBean<ContractFilter> registration =
                new FilterRegistrationBean<>(new ContractFilter(ResponseContract.get()));
        registration.addUrlPatterns("/api/v2.0/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
