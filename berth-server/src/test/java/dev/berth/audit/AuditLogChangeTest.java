package dev.berth.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a change is written into {@code operation_description}. */
class AuditLogChangeTest {
    @Test
    void aChangeNamesTheFieldWithItsOldAndNewValue() {
        assertThat(AuditLog.change("role", "developer", "maintainer")).isEqualTo("role: developer \u2192 maintainer");
        assertThat(AuditLog.set("role", "guest")).isEqualTo("role: guest");
        assertThat(AuditLog.changes(List.of(AuditLog.change("public", false, true), "description")))
                .isEqualTo("public: false \u2192 true; description");
    }

    @Test
    void longValuesAreShortenedAndKeptOnOneLine() {
        String text = AuditLog.change("banner_message", "x".repeat(500), "line one\nline two");
        assertThat(text)
                .isEqualTo("banner_message: " + "x".repeat(AuditLog.MAX_VALUE - 1) + "\u2026 \u2192 line one line two");
    }
}
