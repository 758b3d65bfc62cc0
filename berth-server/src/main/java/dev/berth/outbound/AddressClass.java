package dev.berth.outbound;

/** What kind of network an address belongs to, as far as the outbound rules care. */
enum AddressClass {
    PUBLIC,
    PRIVATE,
    LOOPBACK,
    LINK_LOCAL,
    UNSPECIFIED,
    MULTICAST,
    RESERVED
}
