package dev.berth.replication;

import java.util.regex.Pattern;

/**
 * Harbor's filter patterns (doublestar): {@code *} any run of characters but {@code /}, {@code **}
 * any run including {@code /}, {@code ?} one character but {@code /}, {@code {a,b}} either, {@code
 * [abc]} a class; anything else literal. The whole name must match.
 */
final class Doublestar {
    private Doublestar() {}

    static boolean matches(String pattern, String name) {
        return compile(pattern).matcher(name).matches();
    }

    static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        re.append(')');
                    } else {
                        re.append("\\}");
                    }
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String body = pattern.substring(i + 1, end).replace("\\", "\\\\");
                        re.append('[')
                                .append(body.startsWith("!") ? "^" + body.substring(1) : body)
                                .append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        while (braces-- > 0) {
            re.append(')');
        }
        return Pattern.compile(re.toString());
    }
}
