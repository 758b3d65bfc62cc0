package dev.berth.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a name that resolves to a public address when the URL is saved and to 127.0.0.1
 * when it is called. This machine's DNS cannot be made to do that, so the names here are answered
 * by a {@link HostResolver} the test controls; the receivers and sockets are real.
 */
class OutboundRebindingTest {
    /** Answers what the test last told it, the way a hostile authoritative server would. */
    private static final class SwitchableDns implements HostResolver {
        private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();

        void answer(String name, String... addresses) throws UnknownHostException {
            List<InetAddress> list = new ArrayList<>();
            for (String a : addresses) {
                list.add(InetAddress.getByName(a));
            }
            answers.put(name, List.copyOf(list));
        }

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            List<InetAddress> answer = answers.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            return answer;
        }
    }

    @Test
    void aNameThatResolvesToLoopbackOnlyAtDeliveryIsRefusedAtConnectTime() throws IOException {
        SwitchableDns dns = new SwitchableDns();
        OutboundHttp outbound = new OutboundHttp(OutboundSettings.allowing(), dns);
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1")) {
            URI url = receiver.url("hooks.rebind.test", "/hook");

            dns.answer("hooks.rebind.test", "93.184.215.14");
            assertThatCode(() -> outbound.check(url, Trust.PROJECT_USER)).doesNotThrowAnyException();

            dns.answer("hooks.rebind.test", "127.0.0.1");
            for (Trust trust : Trust.values()) {
                assertThatThrownBy(() -> outbound.client(trust, OutboundOptions.defaults())
                                .send(OutboundRequest.get(url)))
                        .isInstanceOfSatisfying(
                                TargetRefusedException.class,
                                e -> assertThat(e.reason()).isEqualTo(Refusal.LOOPBACK));
            }
            assertThat(receiver.received()).isEmpty();
        } finally {
            outbound.destroy();
        }
    }

    @Test
    void theSocketConnectsToTheAddressTheResolverGaveWhenItIsPermitted() throws IOException {
        SwitchableDns dns = new SwitchableDns();
        OutboundHttp outbound = new OutboundHttp(OutboundSettings.allowing("127.0.0.1/32"), dns);
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.1")) {
            dns.answer("receiver.test", "127.0.0.1");
            URI url = receiver.url("receiver.test", "/hook");
            outbound.check(url, Trust.PROJECT_USER);
            try (OutboundResponse response = outbound.client(Trust.PROJECT_USER, OutboundOptions.defaults())
                    .send(OutboundRequest.get(url))) {
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(receiver.received())
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("Host")).isEqualTo("receiver.test:" + receiver.port()));
        } finally {
            outbound.destroy();
        }
    }

    @Test
    void aNameWithOneRefusedAnswerAmongPermittedOnesIsRefusedWhole() throws IOException {
        SwitchableDns dns = new SwitchableDns();
        OutboundHttp outbound = new OutboundHttp(OutboundSettings.allowing("127.0.0.2/32"), dns);
        try (LocalReceiver receiver = LocalReceiver.on("127.0.0.2")) {
            dns.answer("mixed.test", "127.0.0.2", "169.254.169.254");
            URI url = receiver.url("mixed.test", "/");
            assertThatThrownBy(() -> outbound.check(url, Trust.ADMINISTRATOR))
                    .isInstanceOfSatisfying(
                            TargetRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Refusal.LINK_LOCAL));
            assertThatThrownBy(() -> outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                            .send(OutboundRequest.get(url)))
                    .isInstanceOfSatisfying(
                            TargetRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Refusal.LINK_LOCAL));
            assertThat(receiver.received()).isEmpty();
        } finally {
            outbound.destroy();
        }
    }

    @Test
    void aNameThatStopsResolvingIsAnUnresolvedFailureNotARefusal() {
        SwitchableDns dns = new SwitchableDns();
        OutboundHttp outbound = new OutboundHttp(OutboundSettings.allowing(), dns);
        try {
            assertThatThrownBy(() -> outbound.client(Trust.ADMINISTRATOR, OutboundOptions.defaults())
                            .send(OutboundRequest.get(URI.create("http://gone.test/"))))
                    .isInstanceOfSatisfying(OutboundException.class, e -> {
                        assertThat(e).isNotInstanceOf(TargetRefusedException.class);
                        assertThat(e.kind()).isEqualTo(OutboundException.Kind.UNRESOLVED);
                    });
        } finally {
            outbound.destroy();
        }
    }
}
