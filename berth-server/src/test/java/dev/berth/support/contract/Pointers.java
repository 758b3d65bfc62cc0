package dev.berth.support.contract;

/** Slash-separated patterns: {@code *} or a {@code {name}} matches one segment, a final {@code **} any rest. */
final class Pointers {
    private Pointers() {}

    static boolean matches(String pattern, String value) {
        String[] p = pattern.isEmpty() ? new String[0] : pattern.substring(1).split("/", -1);
        String[] v = value.isEmpty() ? new String[0] : value.substring(1).split("/", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("**") && i == p.length - 1) {
                return true;
            }
            if (i >= v.length) {
                return false;
            }
            boolean any = p[i].equals("*") || (p[i].startsWith("{") && p[i].endsWith("}") && !v[i].isEmpty());
            if (!any && !p[i].equals(v[i])) {
                return false;
            }
        }
        return p.length == v.length;
    }
}
