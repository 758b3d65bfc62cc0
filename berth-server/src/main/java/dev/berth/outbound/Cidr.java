package dev.berth.outbound;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/** A network written as {@code address/prefix} (a bare address is one host), IPv4 or IPv6. */
record Cidr(byte[] network, int prefix) {
    Cidr {
        network = masked(network, prefix);
    }

    /**
     * @throws IllegalArgumentException naming the text when it is not a network in canonical
     *     notation (dotted-quad IPv4 or colon IPv6, then an optional prefix length)
     */
    static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        Optional<InetAddress> parsed;
        try {
            parsed = address.contains(":") || address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                    ? HostLiteral.parse(address)
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            parsed = Optional.empty();
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("not a network: " + text);
        }
        byte[] bytes = parsed.get().getAddress();
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a network: " + text, e);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("not a network: " + text);
        }
        return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(masked(address, prefix), network);
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] = (byte) (out[i] & (0xFF00 >>> keep));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefix;
        }
    }
}
