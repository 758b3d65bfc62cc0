package dev.berth.oidc;

/** The provider could not be asked or gave an answer Berth cannot use; the message is fit to show. */
class OidcException extends RuntimeException {
    OidcException(String message) {
        super(message);
    }
}
