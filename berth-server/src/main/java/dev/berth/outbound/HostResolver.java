package dev.berth.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves host names for outbound calls, at save time and at connect time. The default asks the
 * system resolver; a test that must see a name change its answer between the two (DNS rebinding)
 * declares its own as a bean, which {@link OutboundHttp} then uses.
 *
 * <p>Only names reach it: IP literals in every spelling (including {@code 2130706433} and {@code
 * 0x7f.1}) are read by Berth itself.
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * The addresses of {@code host} (a name such as {@code hooks.example.com}, lower case).
     *
     * @return at least one address
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The operating system's resolver, as {@link InetAddress#getAllByName} uses it. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
