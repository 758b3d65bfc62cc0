package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.support.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Calls over real sockets to receivers on this machine: what the rules refuse never gets a
 * connection, and what {@code berth.outbound.allowed-networks} opens gets through.
 */
class OutboundConnectTest {
    /** Every spelling of 127.0.0.1 a URL can carry. */
    private static final List<String> LOOPBACK_SPELLINGS = List.of(
            "127.0.0.1",
            "2130706433",
            "0x7f.1",
            "0x7f000001",
            "017700000001",
            "127.1",
            "[::ffff:127.0.0.1]",
            "localhost");

    private static final OutboundHttp closed = new OutboundHttp(OutboundSettings.allowing(), HostResolver.system());
    private static final OutboundHttp opened =
            new OutboundHttp(OutboundSettings.allowing("127.0.0.1/32", "::1/128"), HostResolver.system());

    @AfterAll
    static void close() {
        closed.destroy();
        opened.destroy();
    }

    @Test
    void loopbackIsRefusedAtConnectTimeInEverySpellingAndReachableOnceOpened() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1")) {
            for (String host : LOOPBACK_SPELLINGS) {
                for (Trust trust : Trust.values()) {
                    TargetRefusedException e = catchThrowableOfType(
                            TargetRefusedException.class,
                            () -> closed.client(trust, OutboundOptions.defaults())
                                    .send(OutboundRequest.get(receiver.url(host, "/refused"))));
                    assertThat(e).as("%s for %s", host, trust).isNotNull();
                    assertThat(e.reason()).isEqualTo(Refusal.LOOPBACK);
                }
            }
            assertThat(receiver.received()).isEmpty();

            for (String host : LOOPBACK_SPELLINGS) {
                try (OutboundResponse response = opened.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                        .send(OutboundRequest.get(receiver.url(host, "/opened")))) {
                    assertThat(response.status()).as(host).isEqualTo(200);
                    assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("ok");
                }
            }
            assertThat(receiver.received()).hasSize(LOOPBACK_SPELLINGS.size());
        }
    }

    @Test
    void ipv6LoopbackIsRefusedAndReachableOnceOpened() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.on("::1")) {
            URI url = receiver.url("[::1]", "/v6");
            for (Trust trust : Trust.values()) {
                assertThatThrownBy(() ->
                                closed.client(trust, OutboundOptions.defaults()).send(OutboundRequest.get(url)))
                        .isInstanceOfSatisfying(
                                TargetRefusedException.class,
                                e -> assertThat(e.reason()).isEqualTo(Refusal.LOOPBACK));
            }
            assertThat(receiver.received()).isEmpty();

            try (OutboundResponse response = opened.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(url))) {
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(receiver.received())
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("Host")).isEqualTo("[::1]:" + receiver.port()));
        }
    }

    @Test
    void theUnspecifiedAddressIsRefusedThoughItWouldReachLocalServers() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1")) {
            for (String host : List.of("0.0.0.0", "0", "0x0")) {
                assertThatThrownBy(() -> opened.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                                .send(OutboundRequest.get(receiver.url(host, "/"))))
                        .isInstanceOfSatisfying(
                                TargetRefusedException.class,
                                e -> assertThat(e.reason()).isEqualTo(Refusal.UNSPECIFIED));
            }
            assertThat(receiver.received()).isEmpty();

            // what the rule protects: on Linux a connection to 0.0.0.0 lands on a local listener
            OutboundHttp zeroOpened = new OutboundHttp(OutboundSettings.allowing("0.0.0.0/32"), HostResolver.system());
            try (OutboundResponse response = zeroOpened
                    .client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                    .send(OutboundRequest.get(receiver.url("0.0.0.0", "/")))) {
                assertThat(response.status()).isEqualTo(200);
            } finally {
                zeroOpened.destroy();
            }
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void linkLocalAndMetadataAddressesAreRefusedAtConnectTime() {
        for (String url : List.of(
                "http://169.254.169.254/latest/meta-data/",
                "http://0xa9fea9fe/",
                "http://169.254.43518/",
                "http://[::ffff:169.254.169.254]/",
                "http://[fe80::1]/",
                "http://[fe80::1%25lo]:8080/")) {
            for (Trust trust : Trust.values()) {
                assertThatThrownBy(() -> opened.client(trust, OutboundOptions.defaults())
                                .send(OutboundRequest.get(URI.create(url))))
                        .as(url)
                        .isInstanceOfSatisfying(
                                TargetRefusedException.class,
                                e -> assertThat(e.reason()).isEqualTo(Refusal.LINK_LOCAL));
            }
        }
    }

    @Test
    void privateAddressesAreReachableForAdministratorsButNotForProjectUsers() throws IOException {
        Optional<InetAddress> privateAddress = privateAddressOfThisMachine();
        assumeTrue(privateAddress.isPresent(), "this machine has no private address to listen on");
        String address = privateAddress.get().getHostAddress();
        try (LocalReceiver receiver = LocalReceiver.on(address)) {
            URI url = receiver.url("/private");

            assertThatThrownBy(() -> closed.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                            .send(OutboundRequest.get(url)))
                    .isInstanceOfSatisfying(
                            TargetRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Refusal.PRIVATE));
            assertThat(receiver.received()).isEmpty();

            try (OutboundResponse response = closed.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                    .send(OutboundRequest.get(url))) {
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(receiver.received()).hasSize(1);

            // an administrator can open it to project users too
            OutboundHttp privateOpened = new OutboundHttp(OutboundSettings.allowing(address), HostResolver.system());
            try (OutboundResponse response = privateOpened
                    .client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(url))) {
                assertThat(response.status()).isEqualTo(200);
            } finally {
                privateOpened.destroy();
            }
            assertThat(receiver.received()).hasSize(2);
        }
    }

    @Test
    void sendsMethodHeadersAndBodyAndExposesTheResponse() throws IOException {
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1", exchange -> {
            exchange.getResponseHeaders().add("X-Receiver", "one");
            exchange.getResponseHeaders().add("X-Receiver", "two");
            LocalReceiver.respond(201, "created").handle(exchange);
        })) {
            OutboundClient client = opened.client(
                    Trust.PROJECT_USER,
                    OutboundOptions.defaults()
                            .withHeader("Authorization", "Bearer s3cret")
                            .withHeader("X-Empty", ""));
            OutboundRequest request = OutboundRequest.post(
                            receiver.url("/hook?x=1"),
                            RequestBody.of("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                    .withHeader("X-Event", "PUSH_ARTIFACT");
            try (OutboundResponse response = client.send(request)) {
                assertThat(response.status()).isEqualTo(201);
                assertThat(response.isSuccess()).isTrue();
                assertThat(response.header("x-receiver")).hasValue("one");
                assertThat(response.headers().get("X-RECEIVER")).containsExactly("one", "two");
                assertThat(response.body().readAllBytes())
                        .asString(StandardCharsets.UTF_8)
                        .isEqualTo("created");
            }
            LocalReceiver.Received received = receiver.received().getFirst();
            assertThat(received.method()).isEqualTo("POST");
            assertThat(received.path()).isEqualTo("/hook?x=1");
            assertThat(received.header("Authorization")).isEqualTo("Bearer s3cret");
            assertThat(received.header("X-Event")).isEqualTo("PUSH_ARTIFACT");
            assertThat(received.header("X-Empty")).isNull();
            assertThat(received.header("Content-Type")).isEqualTo("application/json");
            assertThat(new String(received.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    void aReceiverThatNeverAnswersTimesOut() {
        try (LocalReceiver receiver = LocalReceiver.hanging("127.0.0.1")) {
            OutboundClient client = opened.client(
                    Trust.PROJECT_USER,
                    OutboundOptions.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
            assertThatThrownBy(() -> client.send(OutboundRequest.get(receiver.url("/slow"))))
                    .isInstanceOfSatisfying(OutboundException.class, e -> {
                        assertThat(e.kind()).isEqualTo(OutboundException.Kind.TIMEOUT);
                        assertThat(e.getMessage()).isEqualTo("no response within the timeout");
                    });
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void aClosedPortIsAConnectFailure() throws IOException {
        URI url = URI.create("http://127.0.0.1:" + FreePort.pick() + "/");
        assertThatThrownBy(() -> opened.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                        .send(OutboundRequest.get(url)))
                .isInstanceOfSatisfying(OutboundException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OutboundException.Kind.CONNECT);
                    assertThat(e.getMessage())
                            .isEqualTo("the connection was refused")
                            .doesNotContain("127.0.0.1");
                });
    }

    @Test
    void responseBodiesAreBounded() throws IOException {
        String big = "x".repeat(4096);
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1", LocalReceiver.respond(200, big))) {
            try (OutboundResponse response = opened.client(
                            Trust.ADMINISTRATOR, OutboundOptions.defaults().withMaxResponseBytes(1000))
                    .send(OutboundRequest.get(receiver.url("/big")))) {
                InputStream body = response.body();
                assertThatThrownBy(body::readAllBytes)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("longer than 1000 bytes");
            }
            try (OutboundResponse response = opened.client(
                            Trust.ADMINISTRATOR, OutboundOptions.defaults().withMaxResponseBytes(4096))
                    .send(OutboundRequest.get(receiver.url("/big")))) {
                assertThat(response.body().readAllBytes()).hasSize(4096);
            }
        }
    }

    @Test
    void theSummaryShowsTheStatusAndAFewPlainCharactersOnly() throws IOException {
        String hostile = "<script>alert('x')</script>\r\n\u0000\u001b[31mERROR\u00e9 " + "y".repeat(500);
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1", LocalReceiver.respond(503, hostile))) {
            try (OutboundResponse response = opened.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(receiver.url("/down")))) {
                String summary = response.summary();
                assertThat(summary).startsWith("HTTP 503: script alert('x') /script [31mERROR y");
                assertThat(summary).hasSizeLessThanOrEqualTo("HTTP 503: ".length() + ResponseSummary.MAX_CHARS);
                assertThat(summary).doesNotContain("<", ">", "\r", "\n", "\u0000", "\u001b");
            }
        }
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1", LocalReceiver.respond(204, ""))) {
            try (OutboundResponse response = opened.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(receiver.url("/empty")))) {
                assertThat(response.summary()).isEqualTo("HTTP 204");
            }
        }
    }

    @Test
    void headersThatWouldSmuggleAnotherHeaderOrRedirectTheRequestAreRejected() {
        assertThatThrownBy(() -> OutboundOptions.defaults().withHeader("Authorization", "x\r\nX-Injected: 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> OutboundRequest.get(URI.create("http://8.8.8.8/")).withHeader("Bad Name", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        for (String owned : List.of("Host", "content-length", "Transfer-Encoding", "Connection")) {
            assertThatThrownBy(() -> OutboundOptions.defaults().withHeader(owned, "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsAndRequestsNeverPrintHeaderValues() {
        OutboundOptions options = OutboundOptions.defaults().withHeader("Authorization", "Bearer s3cret");
        OutboundRequest request = OutboundRequest.get(URI.create("https://hooks.example.com/T0/B1/s3cret?token=s3cret"))
                .withHeader("X-Api-Key", "s3cret");
        assertThat(options.toString()).contains("Authorization").doesNotContain("s3cret");
        assertThat(request.toString())
                .contains("X-Api-Key", "hooks.example.com")
                .doesNotContain("s3cret");
    }

    /** 10.x, 172.16.x, 192.168.x, 100.64.x or fc00::/7 on one of this machine's interfaces. */
    private static Optional<InetAddress> privateAddressOfThisMachine() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .map(OutboundConnectTest::withoutScope)
                .filter(a -> SpecialNetworks.classify(a) == AddressClass.PRIVATE)
                .findFirst();
    }

    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
