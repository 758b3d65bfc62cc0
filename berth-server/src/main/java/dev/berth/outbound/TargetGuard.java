package dev.berth.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a host and applies the rules to every address it resolves to. Used when a URL is saved
 * and, through {@link GuardedDnsResolver}, for every new connection: the addresses it returns are
 * the only ones the socket is connected to.
 */
final class TargetGuard {
    private static final Logger log = LoggerFactory.getLogger(TargetGuard.class);

    private final AddressRules rules;
    private final HostResolver resolver;

    TargetGuard(AddressRules rules, HostResolver resolver) {
        this.rules = rules;
        this.resolver = resolver;
    }

    /**
     * The addresses of {@code host}, all of them permitted.
     *
     * @param host as {@link TargetUrl} has it: a canonical IP literal or a lower-case name
     * @throws TargetRefusedException when any of them is refused (a name that mixes permitted and
     *     refused answers is refused whole, the same at save and at connect time)
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> permittedAddresses(String host, Trust trust) throws UnknownHostException {
        Optional<InetAddress> literal;
        try {
            literal = HostLiteral.parse(host);
        } catch (IllegalArgumentException e) {
            throw new TargetRefusedException(Refusal.MALFORMED_URL);
        }
        List<InetAddress> addresses = literal.isPresent() ? List.of(literal.get()) : resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            Optional<Refusal> refusal = rules.refusal(address, trust);
            if (refusal.isPresent()) {
                // the host name is configuration, not a secret; the URL (tokens in paths) is never logged
                log.info(
                        "event=outbound_refused host={} address={} trust={} reason={}",
                        host,
                        address.getHostAddress(),
                        trust,
                        refusal.get());
                throw new TargetRefusedException(refusal.get());
            }
        }
        return addresses;
    }
}
