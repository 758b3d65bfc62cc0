package dev.berth.outbound;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Whether one address may be connected to for a trust level, given the allowed networks. */
final class AddressRules {
    private final List<Cidr> allowedNetworks;

    AddressRules(List<Cidr> allowedNetworks) {
        this.allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Why {@code address} is refused for targets of {@code trust}, or empty when it is permitted. */
    Optional<Refusal> refusal(InetAddress address, Trust trust) {
        if (allowedNetworks.stream().anyMatch(n -> n.contains(address))) {
            return Optional.empty();
        }
        return switch (SpecialNetworks.classify(address)) {
            case PUBLIC -> Optional.empty();
            case PRIVATE -> trust == Trust.ADMINISTRATOR ? Optional.empty() : Optional.of(Refusal.PRIVATE);
            case LOOPBACK -> Optional.of(Refusal.LOOPBACK);
            case LINK_LOCAL -> Optional.of(Refusal.LINK_LOCAL);
            case UNSPECIFIED -> Optional.of(Refusal.UNSPECIFIED);
            case MULTICAST -> Optional.of(Refusal.MULTICAST);
            case RESERVED -> Optional.of(Refusal.RESERVED);
        };
    }
}
