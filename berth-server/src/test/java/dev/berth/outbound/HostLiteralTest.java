package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IP addresses in the spellings browsers and inet_aton accept are read as those addresses. */
class HostLiteralTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "2130706433, 127.0.0.1",
        "017700000001, 127.0.0.1",
        "0x7f000001, 127.0.0.1",
        "0X7F.1, 127.0.0.1",
        "0x7f.1, 127.0.0.1",
        "127.1, 127.0.0.1",
        "127.0.1, 127.0.0.1",
        "0177.0.0.01, 127.0.0.1",
        "127.0.0.1., 127.0.0.1",
        "0, 0.0.0.0",
        "0x, 0.0.0.0",
        "010.0.0.1, 8.0.0.1",
        "169.254.43518, 169.254.169.254",
        "0xa9fea9fe, 169.254.169.254",
        "::1, 0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1, 127.0.0.1",
        "::ffff:7f00:1, 127.0.0.1",
        "fe80::1%eth0, fe80:0:0:0:0:0:0:1",
    })
    void readsEveryIpSpelling(String host, String address) {
        assertThat(HostLiteral.parse(host)).map(InetAddress::getHostAddress).hasValue(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "hooks.example.com.", "a1.b2", "localhost", "0x7f.example", "1.2.3.4a"})
    void leavesNamesToTheResolver(String host) {
        assertThat(HostLiteral.parse(host)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4.5", "256.0.0.1", "a.0x10", "08.0.0.1", "4294967296", "1..2", "::g", "1:2"})
    void refusesWhatLooksLikeAnAddressButIsNot(String host) {
        assertThatThrownBy(() -> HostLiteral.parse(host)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "::1, ::1",
        "::, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "FE80:0:0:0:0:0:0:1, fe80::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8::, 2001:db8::",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "::ffff:127.0.0.1, 127.0.0.1",
        "0x7f.1, 127.0.0.1",
    })
    void writesAddressesTheShortWay(String host, String canonical) {
        assertThat(HostLiteral.canonical(HostLiteral.parse(host).orElseThrow())).isEqualTo(canonical);
    }
}
