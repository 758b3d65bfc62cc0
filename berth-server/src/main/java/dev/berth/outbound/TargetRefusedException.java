package dev.berth.outbound;

/**
 * A target that the outbound rules do not permit, found when a URL is saved ({@link
 * OutboundHttp#check}) or when a call is about to connect, including to the target of a redirect.
 * The API layer answers it with 400 and {@link #getMessage()}.
 */
public final class TargetRefusedException extends OutboundException {
    private final Refusal reason;

    TargetRefusedException(Refusal reason) {
        this(reason, false);
    }

    TargetRefusedException(Refusal reason, boolean redirect) {
        super(Kind.REFUSED, redirect ? "redirect not followed: " + reason.message() : reason.message(), null);
        this.reason = reason;
    }

    /** Why it was refused. */
    public Refusal reason() {
        return reason;
    }
}
