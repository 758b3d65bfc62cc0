package dev.berth.iam;

import java.util.Optional;

/** Harbor's RBAC actions, with their wire names. */
public enum Action {
    CREATE("create"),
    READ("read"),
    UPDATE("update"),
    DELETE("delete"),
    LIST("list"),
    PULL("pull"),
    PUSH("push"),
    STOP("stop"),
    OPERATE("operate"),
    SCANNER_PULL("scanner-pull");

    private final String wire;

    Action(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Action> of(String wire) {
        for (Action a : values()) {
            if (a.wire.equals(wire)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
