package dev.berth.outbound;

/**
 * An outbound call that did not produce a response. The message is fixed text chosen by Berth
 * (never the remote side's words, never an address the host name resolved to), so it can go into
 * task logs and API errors as it is; the cause, for the server's log, may say more.
 */
public class OutboundException extends RuntimeException {
    /** What went wrong, for callers that decide whether to retry. */
    public enum Kind {
        /** The target is not permitted ({@link TargetRefusedException}); retrying will not help. */
        REFUSED,
        /** The host name did not resolve. */
        UNRESOLVED,
        /** No connection could be made (refused, unreachable, reset). */
        CONNECT,
        /** Connecting or waiting for the response took longer than the client's timeout. */
        TIMEOUT,
        /** The TLS handshake failed: an untrusted certificate, a host name mismatch, no common protocol. */
        TLS,
        /** The connection broke or the receiver spoke something other than HTTP. */
        IO
    }

    private final Kind kind;

    OutboundException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
