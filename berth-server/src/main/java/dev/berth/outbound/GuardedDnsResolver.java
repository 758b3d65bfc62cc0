package dev.berth.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * HttpClient's resolver for one trust level: it returns only permitted addresses, so the connection
 * operator, which connects to exactly what its resolver returns, cannot reach anything else. A
 * refusal travels through HttpClient as an {@link UnknownHostException} (which it neither wraps nor
 * retries) and is turned back into a {@link TargetRefusedException} by {@link Failures}.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final TargetGuard guard;
    private final Trust trust;

    GuardedDnsResolver(TargetGuard guard, Trust trust) {
        this.guard = guard;
        this.trust = trust;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        try {
            return guard.permittedAddresses(host, trust).toArray(InetAddress[]::new);
        } catch (TargetRefusedException e) {
            throw new Refused(e.reason());
        }
    }

    /** No reverse lookups: the name is what the target's owner configured. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    /** A refusal, dressed as the exception HttpClient expects from a resolver. */
    static final class Refused extends UnknownHostException {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.message());
            this.reason = reason;
        }

        Refusal reason() {
            return reason;
        }
    }
}
