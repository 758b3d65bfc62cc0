package dev.berth.http;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The address a request comes from. A connection from a trusted proxy ({@link HttpSettings}) is
 * credited to the client its forwarding header names: the header is read from the right, skipping
 * hops that are themselves trusted proxies, and the first other address is the client. What a
 * client writes into the header itself sits further left and is never read. Any other connection
 * is its own client, whatever headers it sends.
 */
@Component
public class ClientAddress {
    private final List<Network> trusted;
    private final boolean rfc7239;

    ClientAddress(HttpSettings settings) {
        List<Network> networks = new ArrayList<>();
        for (String cidr : settings.trustedProxies()) {
            if (!cidr.isBlank()) {
                networks.add(Network.parse(cidr.strip()));
            }
        }
        this.trusted = List.copyOf(networks);
        String header = settings.forwardedHeader().strip().toLowerCase(Locale.ROOT);
        if (!header.equals("x-forwarded-for") && !header.equals("forwarded")) {
            throw new IllegalArgumentException(
                    "berth.http.forwarded-header must be X-Forwarded-For or Forwarded, not " + header);
        }
        this.rfc7239 = header.equals("forwarded");
    }

    /** The client's address, as text. */
    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = hops(request);
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (parse(hop) == null) {
                return peer; // a proxy wrote something that is not an address: credit the proxy
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return hops.isEmpty() ? peer : hops.getFirst();
    }

    private boolean isTrusted(String address) {
        InetAddress a = parse(address);
        return a != null && trusted.stream().anyMatch(n -> n.contains(a));
    }

    /** The addresses of the forwarding header, left to right, across repeated header lines. */
    private List<String> hops(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> lines = request.getHeaders(rfc7239 ? "Forwarded" : "X-Forwarded-For");
        while (lines != null && lines.hasMoreElements()) {
            for (String element : lines.nextElement().split(",")) {
                String hop = rfc7239 ? forParameter(element) : element.strip();
                hops.add(stripPort(hop));
            }
        }
        return hops;
    }

    /** The {@code for=} of one RFC 7239 element; "" when it has none. */
    private static String forParameter(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                String value = pair.substring(eq + 1).strip();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1)
                        : value;
            }
        }
        return "";
    }

    /** {@code [2001:db8::1]:4711} → {@code 2001:db8::1}, {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** A literal IPv4 or IPv6 address, never a name lookup; null for anything else. */
    static InetAddress parse(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        boolean v4 = text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean v6 = text.indexOf(':') >= 0
                && text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A network in CIDR notation; a bare address is a network of one. */
    record Network(byte[] prefix, int bits) {
        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            InetAddress address = ClientAddress.parse(slash < 0 ? cidr : cidr.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not a network in CIDR notation: " + cidr);
            }
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a network in CIDR notation: " + cidr);
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("not a network in CIDR notation: " + cidr);
            }
            return new Network(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
