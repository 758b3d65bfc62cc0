package dev.berth.api;

/** Puts client input into error messages: quoted and cut short, so a message stays readable. */
final class Quoting {
    private static final int MAX = 64;

    private Quoting() {}

    static String quote(String s) {
        return '"' + (s.length() <= MAX ? s : s.substring(0, MAX) + "…") + '"';
    }
}
