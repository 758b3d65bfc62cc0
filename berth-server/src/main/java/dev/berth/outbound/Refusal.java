package dev.berth.outbound;

/** Why a target was refused; each reason has a short message that is safe to show to its owner. */
public enum Refusal {
    UNSUPPORTED_SCHEME("only http and https URLs are allowed"),
    MALFORMED_URL("the URL has no valid host"),
    CREDENTIALS_IN_URL("credentials in the URL are not supported"),
    UNRESOLVABLE_HOST("the host name does not resolve"),
    LOOPBACK("the host is a loopback address"),
    LINK_LOCAL("the host is a link-local or cloud metadata address"),
    UNSPECIFIED("the host is an unspecified address"),
    MULTICAST("the host is a multicast or broadcast address"),
    RESERVED("the host is a reserved or special-purpose address"),
    PRIVATE("the host is a private network address");

    private final String message;

    Refusal(String message) {
        this.message = message;
    }

    /** A sentence naming the reason, with no address or host name in it. */
    public String message() {
        return message;
    }
}
