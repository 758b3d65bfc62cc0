package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Redirects: not followed by default; when followed, each hop is checked like the first, and the
 * caller's headers stay with the origin they were configured for. Receivers listen on 127.0.0.2
 * and 127.0.0.3 (opened) and 127.0.0.1 (not opened): all loopback, all on this machine.
 */
class OutboundRedirectTest {
    private static final OutboundHttp outbound =
            new OutboundHttp(OutboundSettings.allowing("127.0.0.2/32", "127.0.0.3/32"), HostResolver.system());

    @AfterAll
    static void close() {
        outbound.destroy();
    }

    @Test
    void aRedirectToARefusedAddressIsNeverFollowed() throws IOException {
        try (LocalReceiver inside = LocalReceiver.on("127.0.0.1");
                LocalReceiver outside = LocalReceiver.on(
                        "127.0.0.2",
                        LocalReceiver.redirect(302, inside.url("/admin").toString()))) {
            // by default the 302 is the answer
            try (OutboundResponse response = outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                    .send(OutboundRequest.get(outside.url("/start")))) {
                assertThat(response.status()).isEqualTo(302);
                assertThat(response.header("Location"))
                        .hasValue(inside.url("/admin").toString());
            }
            // following is allowed, but this hop is refused before any connection
            for (Trust trust : Trust.values()) {
                assertThatThrownBy(() -> outbound.client(
                                        trust, OutboundOptions.defaults().withMaxRedirects(3))
                                .send(OutboundRequest.get(outside.url("/start"))))
                        .isInstanceOfSatisfying(TargetRefusedException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Refusal.LOOPBACK);
                            assertThat(e.getMessage())
                                    .isEqualTo("redirect not followed: " + Refusal.LOOPBACK.message());
                        });
            }
            assertThat(inside.received()).isEmpty();
            assertThat(outside.received()).hasSize(3);
        }
    }

    @Test
    void aRedirectToAnotherSchemeIsRefused() {
        try (LocalReceiver outside = LocalReceiver.on("127.0.0.2", LocalReceiver.redirect(301, "file:///etc/passwd"))) {
            assertThatThrownBy(() -> outbound.client(
                                    Trust.ADMINISTRATOR,
                                    OutboundOptions.defaults().withMaxRedirects(1))
                            .send(OutboundRequest.get(outside.url("/"))))
                    .isInstanceOfSatisfying(
                            TargetRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Refusal.UNSUPPORTED_SCHEME));
        }
    }

    @Test
    void permittedRedirectsAreFollowedAndHeadersStayWithTheirOrigin() throws IOException {
        try (LocalReceiver other = LocalReceiver.on("127.0.0.3", LocalReceiver.respond(200, "moved here"));
                LocalReceiver origin = LocalReceiver.on("127.0.0.2", exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    if (path.equals("/first")) {
                        LocalReceiver.redirect(307, "/second").handle(exchange);
                    } else {
                        LocalReceiver.redirect(308, other.url("/third").toString())
                                .handle(exchange);
                    }
                })) {
            OutboundClient client = outbound.client(
                    Trust.PROJECT_USER,
                    OutboundOptions.defaults().withMaxRedirects(2).withHeader("Authorization", "Bearer s3cret"));
            OutboundRequest request = OutboundRequest.post(
                            origin.url("/first"),
                            RequestBody.of("text/plain", "payload".getBytes(StandardCharsets.UTF_8)))
                    .withHeader("X-Signature", "sig");
            try (OutboundResponse response = client.send(request)) {
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body().readAllBytes())
                        .asString(StandardCharsets.UTF_8)
                        .isEqualTo("moved here");
            }
            // same origin: method, body and headers kept
            assertThat(origin.received()).hasSize(2).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.body()).asString(StandardCharsets.UTF_8).isEqualTo("payload");
                assertThat(r.header("Authorization")).isEqualTo("Bearer s3cret");
                assertThat(r.header("X-Signature")).isEqualTo("sig");
            });
            // another origin: 308 keeps method and body, but none of the caller's headers travel
            assertThat(other.received()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/third");
                assertThat(r.body()).asString(StandardCharsets.UTF_8).isEqualTo("payload");
                assertThat(r.header("Authorization")).isNull();
                assertThat(r.header("X-Signature")).isNull();
                assertThat(r.header("Content-Type")).isEqualTo("text/plain");
            });
        }
    }

    @Test
    void a302AfterAPostContinuesAsAGetWithoutBody() throws IOException {
        try (LocalReceiver target = LocalReceiver.on("127.0.0.3");
                LocalReceiver origin = LocalReceiver.on(
                        "127.0.0.2",
                        LocalReceiver.redirect(302, target.url("/landing").toString()))) {
            try (OutboundResponse response = outbound.client(
                            Trust.ADMINISTRATOR, OutboundOptions.defaults().withMaxRedirects(1))
                    .send(OutboundRequest.post(origin.url("/"), RequestBody.of("text/plain", new byte[] {1, 2})))) {
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(target.received()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.body()).isEmpty();
            });
        }
    }

    @Test
    void followingStopsAtTheLimitAndReturnsTheLastRedirect() throws IOException {
        try (LocalReceiver loop = LocalReceiver.on("127.0.0.2", LocalReceiver.redirect(302, "/again"))) {
            try (OutboundResponse response = outbound.client(
                            Trust.ADMINISTRATOR, OutboundOptions.defaults().withMaxRedirects(2))
                    .send(OutboundRequest.get(loop.url("/")))) {
                assertThat(response.status()).isEqualTo(302);
            }
            assertThat(loop.received()).hasSize(3);
        }
        assertThatThrownBy(() -> OutboundOptions.defaults().withMaxRedirects(OutboundOptions.REDIRECT_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
