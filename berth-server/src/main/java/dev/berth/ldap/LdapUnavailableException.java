package dev.berth.ldap;

/**
 * The directory could not be asked (unreachable, timed out, TLS refused, the service account's
 * bind refused, settings missing). The message is fit to show an administrator: it names no
 * password.
 */
class LdapUnavailableException extends RuntimeException {
    LdapUnavailableException(String message) {
        super(message);
    }
}
