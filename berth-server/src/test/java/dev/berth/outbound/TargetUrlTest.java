package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a URL is taken apart: the host to resolve, the port, the request target, the Host header. */
class TargetUrlTest {
    @ParameterizedTest
    @CsvSource({
        "https://Hooks.Example.COM/a/b?c=d#frag, https, hooks.example.com, 443, /a/b?c=d, hooks.example.com",
        "http://hooks.example.com:80, http, hooks.example.com, 80, /, hooks.example.com",
        "http://hooks.example.com:8080/x%20y, http, hooks.example.com, 8080, /x%20y, hooks.example.com:8080",
        "HTTPS://0x7f.1:443/, https, 127.0.0.1, 443, /, 127.0.0.1",
        "http://[0:0:0:0:0:0:0:1]:9000/, http, ::1, 9000, /, [::1]:9000",
        "http://host_name.internal:, http, host_name.internal, 80, /, host_name.internal",
    })
    void readsTheAuthorityItself(String url, String scheme, String host, int port, String target, String hostHeader) {
        TargetUrl parsed = TargetUrl.parse(URI.create(url), false);
        assertThat(parsed.scheme()).isEqualTo(scheme);
        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed.pathAndQuery()).isEqualTo(target);
        assertThat(parsed.httpHost().toHostString()).isEqualTo(hostHeader);
    }

    @ParameterizedTest
    @CsvSource({
        "http://a.example/, http://A.example:80/x, true",
        "http://a.example/, https://a.example/, false",
        "http://a.example/, http://a.example:8080/, false",
        "http://a.example/, http://b.example/, false",
    })
    void comparesOrigins(String first, String second, boolean same) {
        assertThat(TargetUrl.parse(URI.create(first), false).sameOrigin(TargetUrl.parse(URI.create(second), false)))
                .isEqualTo(same);
    }
}
