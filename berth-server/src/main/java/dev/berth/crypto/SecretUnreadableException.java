package dev.berth.crypto;

/** A sealed secret that this replica cannot open: another key, another context, or altered. */
public final class SecretUnreadableException extends RuntimeException {
    SecretUnreadableException(String message) {
        super(message);
    }
}
