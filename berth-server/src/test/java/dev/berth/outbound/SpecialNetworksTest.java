package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every special-purpose range lands in the class the rules refuse it by. */
class SpecialNetworksTest {
    @ParameterizedTest
    @CsvSource({
        "8.8.8.8, PUBLIC",
        "1.1.1.1, PUBLIC",
        "127.0.0.1, LOOPBACK",
        "127.255.255.254, LOOPBACK",
        "0.0.0.0, UNSPECIFIED",
        "0.1.2.3, UNSPECIFIED",
        "169.254.169.254, LINK_LOCAL",
        "169.254.0.1, LINK_LOCAL",
        "10.0.0.1, PRIVATE",
        "172.16.0.1, PRIVATE",
        "172.31.255.255, PRIVATE",
        "172.32.0.1, PUBLIC",
        "192.168.1.1, PRIVATE",
        "100.64.0.1, PRIVATE",
        "100.128.0.1, PUBLIC",
        "224.0.0.1, MULTICAST",
        "239.255.255.250, MULTICAST",
        "255.255.255.255, MULTICAST",
        "240.0.0.1, RESERVED",
        "192.0.2.1, RESERVED",
        "198.18.0.1, RESERVED",
        "192.0.0.170, RESERVED",
        "::, UNSPECIFIED",
        "::1, LOOPBACK",
        "::ffff:127.0.0.1, LOOPBACK",
        "::ffff:169.254.169.254, LINK_LOCAL",
        "::ffff:10.0.0.1, PRIVATE",
        "::127.0.0.1, LOOPBACK",
        "::169.254.169.254, LINK_LOCAL",
        "::8.8.8.8, RESERVED",
        "::ffff:0:127.0.0.1, LOOPBACK",
        "64:ff9b::7f00:1, LOOPBACK",
        "64:ff9b::808:808, PUBLIC",
        "64:ff9b:1::1, PRIVATE",
        "2002:7f00:1::1, LOOPBACK",
        "2002:a9fe:a9fe::1, LINK_LOCAL",
        "2002:808:808::1, PUBLIC",
        "fe80::1, LINK_LOCAL",
        "febf::1, LINK_LOCAL",
        "fd00::2, PRIVATE",
        "fc00::1, PRIVATE",
        "fec0::1, PRIVATE",
        "ff02::1, MULTICAST",
        "2001:db8::1, RESERVED",
        "2001::1, RESERVED",
        "100::1, RESERVED",
        "4000::1, RESERVED",
        "2606:4700:4700::1111, PUBLIC",
        "2a00:1450:4001:80b::200e, PUBLIC",
    })
    void classifies(String address, AddressClass expected) {
        assertThat(SpecialNetworks.classify(HostLiteral.parse(address).orElseThrow()))
                .as(address)
                .isEqualTo(expected);
    }
}
