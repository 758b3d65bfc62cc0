package dev.berth.importer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what must not be kept of a request payload Harbor's extended audit log recorded: the value of
 * every form field or JSON member whose name says password, secret, token or credential (Harbor's
 * login payload is {@code principal=<name>&password=<password>}).
 */
final class AuditPayloads {
    static final String MASK = "*****";
    private static final String SENSITIVE =
            "[A-Za-z0-9_.-]*(?i:password|passwd|secret|token|credential)[A-Za-z0-9_.-]*";
    /** {@code "name": "value"} (a string value, escapes included) or {@code "name": value} (a bare one). */
    private static final Pattern JSON_MEMBER =
            Pattern.compile("(\"" + SENSITIVE + "\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]\\s]+)");
    /** {@code name=value} in a form or query string. */
    private static final Pattern FORM_FIELD = Pattern.compile("((?:^|[&?;\\s])" + SENSITIVE + "=)[^&;\\s]*");

    private AuditPayloads() {}

    /** The payload with sensitive values masked; null stays null. */
    static String masked(String payload) {
        if (payload == null || payload.isEmpty()) {
            return payload;
        }
        String out =
                JSON_MEMBER.matcher(payload).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
        return FORM_FIELD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }
}
