package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.ForwardProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth.outbound.http-proxy}/{@code https-proxy}/{@code no-proxy} (Harbor's {@code proxy.*})
 * against a real forward proxy on 127.0.0.1 that tunnels {@code CONNECT} and passes absolute-form
 * requests on, and records what it carried. The targets' names are answered by a resolver the test
 * controls (public addresses for the public names, a private one for the intranet name); the proxy
 * reaches every target at a local receiver. The proxy itself is on loopback, which no target may
 * be: it is the operator's infrastructure and is not held to the targets' rules.
 */
class OutboundProxyTest {
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.215.14",
            "registry.example.com", "93.184.215.15",
            "direct.example.org", "127.0.0.1",
            "intranet.example.com", "10.1.2.3",
            "metadata.example.com", "169.254.169.254",
            "localhost", "127.0.0.1");
    private static final HostResolver resolver = host -> {
        String address = DNS.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return List.of(InetAddress.getByName(address));
    };

    @TempDir
    static Path dir;

    private static LocalReceiver plain;
    private static LocalReceiver tls;
    private static ForwardProxy proxy;
    private static OutboundHttp outbound;

    @BeforeAll
    static void start() throws Exception {
        SSLContext context = OutboundTlsTest.selfSigned(
                dir.resolve("registry.p12"), "CN=registry.example.com", "SAN=dns:registry.example.com");
        plain = LocalReceiver.on("127.0.0.1");
        tls = LocalReceiver.https("127.0.0.1", context, LocalReceiver.ok());
        proxy = ForwardProxy.to(new InetSocketAddress("127.0.0.1", plain.port()));
        // no allowed networks: loopback and private targets are refused, the proxy on loopback is not a target
        outbound = new OutboundHttp(
                OutboundSettings.allowing()
                        .withProxies(proxy.url(), proxy.url(), "localhost,.internal,direct.example.org,192.0.2.0/24"),
                resolver);
    }

    @AfterAll
    static void stop() {
        outbound.destroy();
        proxy.close();
        plain.close();
        tls.close();
    }

    @Test
    void anHttpTargetGoesThroughTheProxyInAbsoluteForm() throws IOException {
        proxy.clear();
        proxy.upstream(new InetSocketAddress("127.0.0.1", plain.port()));
        URI url = URI.create("http://hooks.example.com:" + plain.port() + "/hook?event=push");
        try (OutboundResponse response = outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                .send(OutboundRequest.post(url, RequestBody.of("application/json", "{}".getBytes())))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().readAllBytes()).asString().isEqualTo("ok");
        }
        assertThat(proxy.passed()).containsExactly("POST " + url);
        assertThat(plain.received()).last().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/hook?event=push");
            assertThat(r.header("Host")).isEqualTo("hooks.example.com:" + plain.port());
        });
    }

    @Test
    void anHttpsTargetIsTunnelledWithConnectAndItsCertificateStillChecked() throws IOException {
        proxy.clear();
        proxy.upstream(new InetSocketAddress("127.0.0.1", tls.port()));
        // the default port: the proxy is asked for registry.example.com:443, and reaches the receiver
        URI url = URI.create("https://registry.example.com/v2/");
        assertThatThrownBy(() -> outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                        .send(OutboundRequest.get(url)))
                .isInstanceOfSatisfying(
                        OutboundException.class, e -> assertThat(e.kind()).isEqualTo(OutboundException.Kind.TLS));
        try (OutboundResponse response = outbound.client(
                        Trust.ADMINISTRATOR, OutboundOptions.defaults().withSkipCertVerify(true))
                .send(OutboundRequest.get(url))) {
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(proxy.passed())
                .containsExactly("CONNECT registry.example.com:443", "CONNECT registry.example.com:443");
        assertThat(tls.received()).last().satisfies(r -> assertThat(r.path()).isEqualTo("/v2/"));
    }

    @Test
    void targetsAreCheckedBeforeTheProxyIsAskedAndNothingRefusedReachesIt() {
        proxy.clear();
        int sent = plain.received().size();
        OutboundClient user = outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults());
        OutboundClient admin = outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults());
        // literal internal addresses, in any spelling, and names that resolve to them
        for (String url : List.of(
                "http://127.0.0.1/x",
                "http://2130706433/x",
                "https://[::1]/x",
                "http://169.254.169.254/latest/meta-data/",
                "http://metadata.example.com/latest/meta-data/")) {
            assertThatThrownBy(() -> admin.send(OutboundRequest.get(URI.create(url))))
                    .as(url)
                    .isInstanceOf(TargetRefusedException.class);
        }
        // private addresses: refused for project users, allowed for administrators (through the proxy)
        assertThatThrownBy(() -> user.send(OutboundRequest.get(URI.create("https://intranet.example.com/x"))))
                .isInstanceOfSatisfying(
                        TargetRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Refusal.PRIVATE));
        assertThatThrownBy(() -> user.send(OutboundRequest.get(URI.create("http://10.0.0.1/x"))))
                .isInstanceOf(TargetRefusedException.class);
        // a name Berth cannot resolve cannot be checked: not handed to the proxy either
        assertThatThrownBy(() -> admin.send(OutboundRequest.get(URI.create("http://only-the-proxy-knows.example/x"))))
                .isInstanceOfSatisfying(
                        OutboundException.class,
                        e -> assertThat(e.kind()).isEqualTo(OutboundException.Kind.UNRESOLVED));
        assertThat(proxy.passed()).isEmpty();
        assertThat(plain.received()).hasSize(sent);
    }

    @Test
    void noProxyTargetsAreConnectedToDirectlyUnderTheUsualRules() throws IOException {
        proxy.clear();
        // in no-proxy, Berth connects itself, under the rules: loopback stays refused
        for (String url : List.of("http://direct.example.org:" + plain.port() + "/x", "http://localhost/x")) {
            assertThatThrownBy(() -> outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                            .send(OutboundRequest.get(URI.create(url))))
                    .as(url)
                    .isInstanceOfSatisfying(
                            TargetRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Refusal.LOOPBACK));
        }
        assertThat(proxy.passed()).isEmpty();

        // with loopback allowed, a no-proxy target on it is reached directly: the proxy sees nothing
        OutboundHttp allowing = new OutboundHttp(
                OutboundSettings.allowing("127.0.0.1/32").withProxies(proxy.url(), proxy.url(), "direct.example.org"),
                resolver);
        try (OutboundResponse response = allowing.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                .send(OutboundRequest.get(URI.create("http://direct.example.org:" + plain.port() + "/direct")))) {
            assertThat(response.status()).isEqualTo(200);
        } finally {
            allowing.destroy();
        }
        assertThat(proxy.passed()).isEmpty();
        assertThat(plain.received()).last().satisfies(r -> assertThat(r.path()).isEqualTo("/direct"));
    }

    @Test
    void noProxyIsReadAsGoReadsIt() {
        Proxies proxies = Proxies.parse(
                "http://proxy.internal:3128",
                "proxy.internal:3129",
                "localhost, .svc,example.com,10.0.0.0/8,[::1],harbor.lan:8080");
        assertThat(proxies.forTarget("https", "registry-1.docker.io", 443))
                .hasValue(new Proxies.Endpoint("proxy.internal", 3129));
        assertThat(proxies.forTarget("http", "hooks.example.net", 80))
                .hasValue(new Proxies.Endpoint("proxy.internal", 3128));
        assertThat(proxies.forTarget("http", "localhost", 80)).isEmpty();
        assertThat(proxies.forTarget("http", "core.harbor.svc", 80)).isEmpty();
        assertThat(proxies.forTarget("http", "svc", 80)).isPresent();
        assertThat(proxies.forTarget("https", "example.com", 443)).isEmpty();
        assertThat(proxies.forTarget("https", "hooks.example.com", 443)).isEmpty();
        assertThat(proxies.forTarget("https", "notexample.com", 443)).isPresent();
        assertThat(proxies.forTarget("http", "10.20.30.40", 80)).isEmpty();
        assertThat(proxies.forTarget("http", "::1", 80)).isEmpty();
        assertThat(proxies.forTarget("http", "harbor.lan", 8080)).isEmpty();
        assertThat(proxies.forTarget("http", "harbor.lan", 80)).isPresent();
        assertThat(Proxies.parse("http://p:1", "", "*").forTarget("http", "anything.example", 80))
                .isEmpty();
        assertThat(Proxies.parse("http://p:1", "", "").forTarget("https", "anything.example", 443))
                .isEmpty();

        assertThatThrownBy(() -> OutboundSettings.allowing().withProxies("http://user:secret@proxy:3128", "", ""))
                .hasMessageContaining("berth.outbound.http-proxy")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> OutboundSettings.allowing().withProxies("", "socks5://proxy:1080", ""))
                .hasMessageContaining("berth.outbound.https-proxy");
        assertThatThrownBy(() -> OutboundSettings.allowing().withProxies("http://p:1", "", "10.0.0.0/99"))
                .hasMessageContaining("berth.outbound.no-proxy");
    }
}
