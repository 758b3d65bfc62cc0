package dev.berth.registry;

import java.util.regex.Pattern;

/** Repository names and tags as the distribution spec allows them. */
public final class RepositoryName {
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    /** Clients limit host + "/" + name to 255 characters; names alone may not exceed it. */
    static final int MAX_LENGTH = 255;

    private RepositoryName() {}

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    public static String require(String name) {
        if (!isValid(name)) {
            throw RegistryException.withDetail(
                    ErrorCode.NAME_INVALID, "invalid repository name", java.util.Map.of("name", String.valueOf(name)));
        }
        return name;
    }

    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    public static String requireTag(String tag) {
        if (!isValidTag(tag)) {
            throw RegistryException.withDetail(
                    ErrorCode.TAG_INVALID, "invalid tag", java.util.Map.of("tag", String.valueOf(tag)));
        }
        return tag;
    }
}
