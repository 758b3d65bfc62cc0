package dev.berth.scan;

import java.util.Locale;
import java.util.Optional;

/** The scanner API's severity scale, lowest first; Harbor's project {@code severity} uses the same names in lower case. */
enum Severity {
    NONE("None"),
    UNKNOWN("Unknown"),
    NEGLIGIBLE("Negligible"),
    LOW("Low"),
    MEDIUM("Medium"),
    HIGH("High"),
    CRITICAL("Critical");

    private final String wire;

    Severity(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    /** Harbor's severity code: None and Unknown 0, Negligible 1 … Critical 5. */
    int code() {
        return this == NONE ? 0 : ordinal() - 1;
    }

    static Optional<Severity> of(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
