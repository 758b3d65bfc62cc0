package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive connections a receiver closed while they sat in the pool: the next call opens a new
 * connection instead of failing. Servers close idle connections on their own schedule (the JDK's
 * HttpServer after 30 s, nginx after 75 s), Berth's pool keeps them a minute, and Berth never
 * retries a call by itself (a POST must not repeat), so a stale connection would fail the call:
 * that is what made issue 20's Kraken test time out now and then, when its second preheat came
 * more than 30 s after the first.
 */
class OutboundKeepAliveTest {
    private static final OutboundHttp outbound =
            new OutboundHttp(OutboundSettings.allowing("127.0.0.1/32"), HostResolver.system());

    @AfterAll
    static void close() {
        outbound.destroy();
    }

    @Test
    void aConnectionTheReceiverClosedWhileIdleIsNotReused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            CountDownLatch firstClosed = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        connections.incrementAndGet();
                        readRequest(socket.getInputStream());
                        // a keep-alive answer (no "Connection: close"), then the idle close
                        socket.getOutputStream()
                                .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                        .getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (IOException e) {
                        return;
                    } finally {
                        firstClosed.countDown();
                    }
                }
            });
            OutboundClient client = outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults());
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/registry/notifications");

            try (OutboundResponse first = client.send(OutboundRequest.get(url))) {
                assertThat(first.status()).isEqualTo(200);
                assertThat(first.body().readAllBytes()).hasSize(2);
            }
            assertThat(firstClosed.await(30, TimeUnit.SECONDS)).isTrue();

            try (OutboundResponse second = client.send(OutboundRequest.post(
                    url, RequestBody.of("application/json", "{}".getBytes(StandardCharsets.UTF_8))))) {
                assertThat(second.status()).isEqualTo(200);
            }
            assertThat(connections.get()).isEqualTo(2);
        }
    }

    /** Reads one request: headers, then a Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String s = head.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : s.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (in.readNBytes(length).length != length) {
                    throw new UncheckedIOException(new IOException("short body"));
                }
                return;
            }
        }
    }
}
