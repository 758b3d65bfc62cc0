package dev.berth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Which address a request is credited to: the connection's, unless it comes from a trusted proxy,
 * then the rightmost hop of the configured forwarding header that is not itself a trusted proxy.
 * (A servlet request object built in memory: the parsing is the subject here; the HTTP behaviour is
 * in {@code LoginThrottleTest}.)
 */
class ClientAddressTest {
    private static final ClientAddress XFF =
            new ClientAddress(new HttpSettings(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.10"), "X-Forwarded-For"));
    private static final ClientAddress RFC7239 =
            new ClientAddress(new HttpSettings(List.of("10.0.0.0/8"), "Forwarded"));
    private static final ClientAddress NONE = new ClientAddress(new HttpSettings(List.of(), "X-Forwarded-For"));

    @Test
    void aTrustedProxyNamesTheClientAndNobodyElseDoes() {
        assertThat(XFF.of(request("10.1.2.3", "X-Forwarded-For", "203.0.113.7")))
                .isEqualTo("203.0.113.7");
        assertThat(XFF.of(request("10.1.2.3", "X-Forwarded-For", "6.6.6.6, 203.0.113.7")))
                .isEqualTo("203.0.113.7");
        assertThat(XFF.of(request("10.1.2.3", "X-Forwarded-For", "203.0.113.7, 10.9.9.9")))
                .isEqualTo("203.0.113.7");
        assertThat(XFF.of(request("192.0.2.10", "X-Forwarded-For", "203.0.113.7:5555")))
                .isEqualTo("203.0.113.7");
        assertThat(XFF.of(request("fd00::1", "X-Forwarded-For", "2001:db8::5"))).isEqualTo("2001:db8::5");
        assertThat(XFF.of(request("10.1.2.3", "X-Forwarded-For", "not-an-address")))
                .isEqualTo("10.1.2.3");
        assertThat(XFF.of(request("10.1.2.3"))).isEqualTo("10.1.2.3");
        // Not from a trusted proxy, or the other header: ignored.
        assertThat(XFF.of(request("192.0.2.11", "X-Forwarded-For", "203.0.113.7")))
                .isEqualTo("192.0.2.11");
        assertThat(XFF.of(request("10.1.2.3", "Forwarded", "for=203.0.113.7"))).isEqualTo("10.1.2.3");
        assertThat(NONE.of(request("10.1.2.3", "X-Forwarded-For", "203.0.113.7")))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void rfc7239ForwardedIsReadWhenConfigured() {
        assertThat(RFC7239.of(request("10.0.0.1", "Forwarded", "for=6.6.6.6, for=203.0.113.7;proto=https")))
                .isEqualTo("203.0.113.7");
        assertThat(RFC7239.of(request("10.0.0.1", "Forwarded", "for=\"[2001:db8::1]:4711\"")))
                .isEqualTo("2001:db8::1");
        assertThat(RFC7239.of(request("10.0.0.1", "X-Forwarded-For", "203.0.113.7")))
                .isEqualTo("10.0.0.1");
    }

    @Test
    void badSettingsStopTheStart() {
        assertThatThrownBy(() -> new ClientAddress(new HttpSettings(List.of("10.0.0.0/33"), "X-Forwarded-For")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddress(new HttpSettings(List.of("proxy.local"), "X-Forwarded-For")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddress(new HttpSettings(List.of(), "X-Real-IP")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static HttpServletRequest request(String peer, String... headers) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        for (int i = 0; i < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        return request;
    }
}
