package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The check made when a URL is saved: every refused class, for each trust level, and the reasons. */
class OutboundCheckTest {
    private static final OutboundHttp outbound = new OutboundHttp(OutboundSettings.allowing(), HostResolver.system());

    @AfterAll
    static void close() {
        outbound.destroy();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1/, LOOPBACK",
        "http://127.8.9.10:8080/hook, LOOPBACK",
        "http://2130706433/, LOOPBACK",
        "http://0x7f.1/, LOOPBACK",
        "http://0x7f000001/, LOOPBACK",
        "http://017700000001/, LOOPBACK",
        "http://127.1/, LOOPBACK",
        "http://127.0.0.1./, LOOPBACK",
        "http://[::1]/, LOOPBACK",
        "http://[::ffff:127.0.0.1]/, LOOPBACK",
        "http://[::ffff:7f00:1]/, LOOPBACK",
        "http://[::127.0.0.1]/, LOOPBACK",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/, LOOPBACK",
        "http://localhost/, LOOPBACK",
        "http://LOCALHOST:9000/, LOOPBACK",
        "http://0.0.0.0/, UNSPECIFIED",
        "http://0/, UNSPECIFIED",
        "http://[::]/, UNSPECIFIED",
        "http://169.254.169.254/latest/meta-data/, LINK_LOCAL",
        "http://169.254.1.1/, LINK_LOCAL",
        "http://0xa9fea9fe/, LINK_LOCAL",
        "http://[::ffff:169.254.169.254]/, LINK_LOCAL",
        "http://[fe80::1]/, LINK_LOCAL",
        "http://[fe80::1%25eth0]/, LINK_LOCAL",
        "http://224.0.0.1/, MULTICAST",
        "http://255.255.255.255/, MULTICAST",
        "http://[ff02::1]/, MULTICAST",
        "http://240.0.0.1/, RESERVED",
        "http://192.0.2.10/, RESERVED",
    })
    void refusesForEveryone(String url, Refusal reason) {
        for (Trust trust : Trust.values()) {
            TargetRefusedException e =
                    catchThrowableOfType(TargetRefusedException.class, () -> outbound.check(url, trust));
            assertThat(e).as("%s for %s", url, trust).isNotNull();
            assertThat(e.reason()).as(url).isEqualTo(reason);
            assertThat(e.kind()).isEqualTo(OutboundException.Kind.REFUSED);
            assertThat(e.getMessage()).isEqualTo(reason.message()).doesNotContain("127.0.0.1");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://10.0.0.5/",
                "https://10.1.2.3:8443/api",
                "http://172.16.0.1/",
                "http://172.31.255.254/",
                "http://192.168.1.10/",
                "http://100.64.0.1/",
                "http://012.0.0.1/",
                "http://[fd00::2]/",
                "http://[fc00::1]/",
                "http://[::ffff:10.0.0.1]/",
            })
    void refusesPrivateNetworksOnlyForProjectUsers(String url) {
        TargetRefusedException e =
                catchThrowableOfType(TargetRefusedException.class, () -> outbound.check(url, Trust.PROJECT_USER));
        assertThat(e).as(url).isNotNull();
        assertThat(e.reason()).isEqualTo(Refusal.PRIVATE);

        assertThatCode(() -> outbound.check(url, Trust.ADMINISTRATOR)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://8.8.8.8/", "https://1.1.1.1:8443/x?y=z", "http://[2606:4700:4700::1111]/"})
    void permitsPublicAddressesForEveryone(String url) {
        for (Trust trust : Trust.values()) {
            assertThatCode(() -> outbound.check(url, trust)).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "ftp://8.8.8.8/, UNSUPPORTED_SCHEME",
        "file:///etc/passwd, UNSUPPORTED_SCHEME",
        "gopher://8.8.8.8:70/, UNSUPPORTED_SCHEME",
        "jar:http://8.8.8.8/x.jar!/, UNSUPPORTED_SCHEME",
        "/relative/path, UNSUPPORTED_SCHEME",
        "http:8.8.8.8, MALFORMED_URL",
        "http:///path, MALFORMED_URL",
        "http://8.8.8.8:0/, MALFORMED_URL",
        "http://8.8.8.8:65536/, MALFORMED_URL",
        "http://8.8.8.8:80x/, MALFORMED_URL",
        "http://1.2.3.4.5/, MALFORMED_URL",
        "http://256.1.1.1/, MALFORMED_URL",
        "http://a.0x10/, MALFORMED_URL",
        "http://bad%20host/, MALFORMED_URL",
        "http://user:secret@8.8.8.8/, CREDENTIALS_IN_URL",
        "http://8.8.8.8@127.0.0.1/, CREDENTIALS_IN_URL",
        "http://host with space/, MALFORMED_URL",
        "'', UNSUPPORTED_SCHEME",
    })
    void refusesWhatIsNotAnHttpUrlWithAHost(String url, Refusal reason) {
        TargetRefusedException e =
                catchThrowableOfType(TargetRefusedException.class, () -> outbound.check(url, Trust.ADMINISTRATOR));
        assertThat(e).as(url).isNotNull();
        assertThat(e.reason()).as(url).isEqualTo(reason);
    }

    @Test
    void refusesANameThatDoesNotResolve() {
        // .invalid never resolves (RFC 6761), whether or not this machine has DNS
        TargetRefusedException e = catchThrowableOfType(
                TargetRefusedException.class,
                () -> outbound.check("https://hooks.berth.invalid/x", Trust.ADMINISTRATOR));
        assertThat(e.reason()).isEqualTo(Refusal.UNRESOLVABLE_HOST);
    }

    @Test
    void allowedNetworksOverrideTheRulesForBothTrustLevels() {
        OutboundHttp opened = new OutboundHttp(
                OutboundSettings.allowing("127.0.0.1/32", "10.20.0.0/16", "fe80::/10", "169.254.169.254"),
                HostResolver.system());
        try {
            for (Trust trust : Trust.values()) {
                assertThatCode(() -> opened.check("http://127.0.0.1:8080/", trust))
                        .doesNotThrowAnyException();
                assertThatCode(() -> opened.check("http://2130706433/", trust)).doesNotThrowAnyException();
                assertThatCode(() -> opened.check("http://10.20.30.40/", trust)).doesNotThrowAnyException();
                assertThatCode(() -> opened.check("http://[fe80::1]/", trust)).doesNotThrowAnyException();
                assertThatCode(() -> opened.check("http://169.254.169.254/", trust))
                        .doesNotThrowAnyException();
                // exactly what was opened, nothing next to it
                assertThat(catchThrowableOfType(
                                        TargetRefusedException.class, () -> opened.check("http://127.0.0.2/", trust))
                                .reason())
                        .isEqualTo(Refusal.LOOPBACK);
                assertThat(catchThrowableOfType(
                                        TargetRefusedException.class,
                                        () -> opened.check("http://169.254.169.253/", trust))
                                .reason())
                        .isEqualTo(Refusal.LINK_LOCAL);
            }
            assertThat(catchThrowableOfType(
                                    TargetRefusedException.class,
                                    () -> opened.check("http://10.21.0.1/", Trust.PROJECT_USER))
                            .reason())
                    .isEqualTo(Refusal.PRIVATE);
        } finally {
            opened.destroy();
        }
    }
}
