package dev.berth.outbound;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The IANA special-purpose address registries (RFC 6890 and later) reduced to the classes the
 * outbound rules distinguish. IPv6 addresses that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address too, so {@code ::ffff:127.0.0.1},
 * {@code ::127.0.0.1}, {@code 64:ff9b::7f00:1} and {@code 2002:7f00:1::} are all loopback.
 */
final class SpecialNetworks {
    private record Rule(Cidr network, AddressClass type) {}

    private static final List<Rule> IPV4 = rules(Map.ofEntries(
            Map.entry("0.0.0.0/8", AddressClass.UNSPECIFIED),
            Map.entry("10.0.0.0/8", AddressClass.PRIVATE),
            Map.entry("100.64.0.0/10", AddressClass.PRIVATE), // carrier-grade NAT
            Map.entry("127.0.0.0/8", AddressClass.LOOPBACK),
            Map.entry("169.254.0.0/16", AddressClass.LINK_LOCAL), // cloud metadata at 169.254.169.254
            Map.entry("172.16.0.0/12", AddressClass.PRIVATE),
            Map.entry("192.0.0.0/24", AddressClass.RESERVED), // IETF protocol assignments
            Map.entry("192.0.2.0/24", AddressClass.RESERVED), // documentation
            Map.entry("192.88.99.0/24", AddressClass.RESERVED), // 6to4 relay anycast
            Map.entry("192.168.0.0/16", AddressClass.PRIVATE),
            Map.entry("198.18.0.0/15", AddressClass.RESERVED), // benchmarking
            Map.entry("198.51.100.0/24", AddressClass.RESERVED), // documentation
            Map.entry("203.0.113.0/24", AddressClass.RESERVED), // documentation
            Map.entry("224.0.0.0/4", AddressClass.MULTICAST),
            Map.entry("255.255.255.255/32", AddressClass.MULTICAST), // limited broadcast
            Map.entry("240.0.0.0/4", AddressClass.RESERVED)));

    private static final List<Rule> IPV6 = rules(Map.ofEntries(
            Map.entry("::/128", AddressClass.UNSPECIFIED),
            Map.entry("::1/128", AddressClass.LOOPBACK),
            Map.entry("64:ff9b:1::/48", AddressClass.PRIVATE), // local-use NAT64
            Map.entry("100::/64", AddressClass.RESERVED), // discard-only
            Map.entry("2001::/23", AddressClass.RESERVED), // IETF protocol assignments, Teredo
            Map.entry("2001:db8::/32", AddressClass.RESERVED), // documentation
            Map.entry("3fff::/20", AddressClass.RESERVED), // documentation
            Map.entry("5f00::/16", AddressClass.RESERVED), // segment routing
            Map.entry("fc00::/7", AddressClass.PRIVATE), // unique local
            Map.entry("fe80::/10", AddressClass.LINK_LOCAL),
            Map.entry("fec0::/10", AddressClass.PRIVATE), // site-local, deprecated
            Map.entry("ff00::/8", AddressClass.MULTICAST)));

    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");
    private static final Cidr EMBEDS_IPV4_LOW = Cidr.parse("::/64"); // ::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private SpecialNetworks() {}

    static AddressClass classify(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? classifyIpv4(bytes) : classifyIpv6(bytes);
    }

    private static AddressClass classifyIpv4(byte[] bytes) {
        return IPV4.stream()
                .filter(r -> r.network().contains(bytes))
                .map(Rule::type)
                .findFirst()
                .orElse(AddressClass.PUBLIC);
    }

    private static AddressClass classifyIpv6(byte[] bytes) {
        for (Rule rule : IPV6) {
            if (rule.network().contains(bytes)) {
                return rule.type();
            }
        }
        if (EMBEDS_IPV4_LOW.contains(bytes)) {
            // deprecated or transitional forms: never a plain public target, but name the IPv4 class
            return atLeastReserved(classifyIpv4(Arrays.copyOfRange(bytes, 12, 16)));
        }
        if (NAT64.contains(bytes)) {
            return classifyIpv4(Arrays.copyOfRange(bytes, 12, 16));
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return classifyIpv4(Arrays.copyOfRange(bytes, 2, 6));
        }
        return GLOBAL_UNICAST.contains(bytes) ? AddressClass.PUBLIC : AddressClass.RESERVED;
    }

    private static AddressClass atLeastReserved(AddressClass embedded) {
        return embedded == AddressClass.PUBLIC || embedded == AddressClass.PRIVATE ? AddressClass.RESERVED : embedded;
    }

    private static List<Rule> rules(Map<String, AddressClass> table) {
        // most specific first, so that 255.255.255.255/32 wins over 240.0.0.0/4 and 2001:db8::/32 over 2001::/23
        return table.entrySet().stream()
                .map(e -> new Rule(Cidr.parse(e.getKey()), e.getValue()))
                .sorted((a, b) ->
                        Integer.compare(b.network().prefix(), a.network().prefix()))
                .toList();
    }
}
