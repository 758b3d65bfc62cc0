package dev.berth.api;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The type of a filterable field: what a {@code q} value is converted to before it is bound. */
public enum FieldType {
    /** Text; the only type fuzzy match ({@code k=~v}) applies to. */
    STRING,
    /** A 64-bit integer; bound as {@link Long}. */
    LONG,
    /** {@code true} or {@code false}; bound as {@link Boolean}. */
    BOOLEAN,
    /**
     * A point in time, {@code 2020-04-09 02:36:00} or {@code 2020-04-09T02:36:00} with optional
     * fraction and offset (UTC when none, as in Harbor); bound as {@link OffsetDateTime} for a
     * {@code timestamptz} column.
     */
    TIME;

    private static final Pattern SPACE_BEFORE_TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (?=\\d)");

    /** The value to bind for {@code raw}; a 400 naming {@code field} if it is not of this type. */
    Object convert(String field, String raw) {
        return switch (this) {
            case STRING -> raw;
            case LONG -> toLong(field, raw);
            case BOOLEAN -> toBoolean(field, raw);
            case TIME -> toTime(field, raw);
        };
    }

    private static Long toLong(String field, String raw) {
        try {
            return Long.valueOf(raw);
        } catch (NumberFormatException e) {
            throw invalid(field, raw, "an integer");
        }
    }

    private static Boolean toBoolean(String field, String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalid(field, raw, "true or false");
        };
    }

    private static OffsetDateTime toTime(String field, String raw) {
        String iso = SPACE_BEFORE_TIME.matcher(raw.trim()).replaceFirst("$1T");
        try {
            return OffsetDateTime.parse(iso);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw invalid(field, raw, "a time like \"2020-04-09 02:36:00\"");
            }
        }
    }

    private static ApiException invalid(String field, String raw, String expected) {
        return ApiException.badRequest("invalid value " + Quoting.quote(raw) + " for query field "
                + Quoting.quote(field) + ": expected " + expected);
    }
}
