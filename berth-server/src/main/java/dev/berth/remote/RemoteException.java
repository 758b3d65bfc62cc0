package dev.berth.remote;

/**
 * A remote registry answered, but not as it should (an error status, a malformed body, a refused
 * login). The message is Berth's own words with at most a status code, safe for API messages and
 * task logs; it never holds a credential.
 */
public class RemoteException extends RuntimeException {
    public RemoteException(String message) {
        super(message);
    }

    public RemoteException(String message, Throwable cause) {
        super(message, cause);
    }
}
