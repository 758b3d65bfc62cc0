package dev.berth.outbound;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP addresses written as host names, read the way browsers (the WHATWG URL standard) and the C
 * library's {@code inet_aton} read them, so that {@code 2130706433}, {@code 0x7f.1}, {@code
 * 017700000001} and {@code 127.1} are all 127.0.0.1 here too, and never reach a resolver that might
 * read them differently.
 */
final class HostLiteral {
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern NUMBER = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final BigInteger MAX_IPV4 = BigInteger.valueOf(0xFFFFFFFFL);

    private HostLiteral() {}

    /**
     * The address a host denotes when it is an IP literal, or empty when it is a name.
     *
     * @param host without brackets; an IPv6 zone ({@code %eth0}) is dropped
     * @throws IllegalArgumentException when it looks like an address but is not a valid one (names
     *     whose last label is a number, such as {@code 1.2.3.4.5} or {@code a.0x10}, included)
     */
    static Optional<InetAddress> parse(String host) {
        if (host.contains(":")) {
            return Optional.of(ipv6(host));
        }
        List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
        if (parts.size() > 1 && parts.getLast().isEmpty()) {
            parts.removeLast();
        }
        if (!NUMBER.matcher(parts.getLast()).matches()) {
            return Optional.empty();
        }
        return Optional.of(ipv4(parts));
    }

    /** The address as URLs write it: dotted quad, or RFC 5952's short lower-case IPv6 form. */
    static String canonical(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        // the first longest run of two or more zero groups becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static InetAddress ipv6(String host) {
        int zone = host.indexOf('%');
        String address = zone < 0 ? host : host.substring(0, zone);
        if (!IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("invalid IPv6 address");
        }
        try {
            // only hex digits, colons and dots: InetAddress parses it as a literal, without any lookup
            return InetAddress.getByAddress(
                    InetAddress.getByName("[" + address + "]").getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IPv6 address", e);
        }
    }

    private static InetAddress ipv4(List<String> parts) {
        if (parts.size() > 4) {
            throw new IllegalArgumentException("invalid IPv4 address");
        }
        BigInteger value = BigInteger.ZERO;
        for (int i = 0; i < parts.size(); i++) {
            BigInteger n = number(parts.get(i));
            boolean last = i == parts.size() - 1;
            int bits = last ? 8 * (5 - parts.size()) : 8;
            if (n.bitLength() > bits) {
                throw new IllegalArgumentException("invalid IPv4 address");
            }
            value = last ? value.shiftLeft(bits).or(n) : value.shiftLeft(8).or(n);
        }
        if (value.compareTo(MAX_IPV4) > 0) {
            throw new IllegalArgumentException("invalid IPv4 address");
        }
        long v = value.longValue();
        byte[] bytes = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    private static BigInteger number(String part) {
        if (!NUMBER.matcher(part).matches()) {
            throw new IllegalArgumentException("invalid IPv4 address");
        }
        if (part.startsWith("0x") || part.startsWith("0X")) {
            return part.length() == 2 ? BigInteger.ZERO : new BigInteger(part.substring(2), 16);
        }
        if (part.length() > 1 && part.startsWith("0")) {
            if (!part.chars().allMatch(c -> c >= '0' && c <= '7')) {
                throw new IllegalArgumentException("invalid octal number in an IPv4 address");
            }
            return new BigInteger(part.substring(1), 8);
        }
        return new BigInteger(part);
    }
}
