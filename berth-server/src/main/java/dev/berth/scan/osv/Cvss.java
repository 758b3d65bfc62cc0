package dev.berth.scan.osv;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Base scores of CVSS vectors as OSV carries them ({@code severity[].score}): version 3.x by the
 * CVSS v3.1 specification §7 and version 2 by the CVSS v2 guide §3.2.1. A vector that lacks a base
 * metric or has an unknown value has no score.
 */
final class Cvss {
    private Cvss() {}

    static OptionalDouble v3(String vector) {
        Map<String, String> m = metrics(vector);
        if (!vector.startsWith("CVSS:3")) {
            return OptionalDouble.empty();
        }
        boolean changed = "C".equals(m.get("S"));
        if (!"U".equals(m.get("S")) && !changed) {
            return OptionalDouble.empty();
        }
        Double av = switch (m.getOrDefault("AV", "")) {
            case "N" -> 0.85;
            case "A" -> 0.62;
            case "L" -> 0.55;
            case "P" -> 0.2;
            default -> null;
        };
        Double ac = switch (m.getOrDefault("AC", "")) {
            case "L" -> 0.77;
            case "H" -> 0.44;
            default -> null;
        };
        Double pr = switch (m.getOrDefault("PR", "")) {
            case "N" -> 0.85;
            case "L" -> changed ? 0.68 : 0.62;
            case "H" -> changed ? 0.5 : 0.27;
            default -> null;
        };
        Double ui = switch (m.getOrDefault("UI", "")) {
            case "N" -> 0.85;
            case "R" -> 0.62;
            default -> null;
        };
        Double c = cia3(m.get("C"));
        Double i = cia3(m.get("I"));
        Double a = cia3(m.get("A"));
        if (av == null || ac == null || pr == null || ui == null || c == null || i == null || a == null) {
            return OptionalDouble.empty();
        }
        double iss = 1 - (1 - c) * (1 - i) * (1 - a);
        double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
        double exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0) {
            return OptionalDouble.of(0);
        }
        double base = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
        return OptionalDouble.of(roundUp(base));
    }

    static OptionalDouble v2(String vector) {
        Map<String, String> m = metrics(vector);
        Double av = switch (m.getOrDefault("AV", "")) {
            case "L" -> 0.395;
            case "A" -> 0.646;
            case "N" -> 1.0;
            default -> null;
        };
        Double ac = switch (m.getOrDefault("AC", "")) {
            case "H" -> 0.35;
            case "M" -> 0.61;
            case "L" -> 0.71;
            default -> null;
        };
        Double au = switch (m.getOrDefault("Au", "")) {
            case "M" -> 0.45;
            case "S" -> 0.56;
            case "N" -> 0.704;
            default -> null;
        };
        Double c = cia2(m.get("C"));
        Double i = cia2(m.get("I"));
        Double a = cia2(m.get("A"));
        if (av == null || ac == null || au == null || c == null || i == null || a == null) {
            return OptionalDouble.empty();
        }
        double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
        double exploitability = 20 * av * ac * au;
        double f = impact == 0 ? 0 : 1.176;
        double base = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
        return OptionalDouble.of(Math.round(base * 10) / 10.0);
    }

    /** CVSS v3.1's Roundup: the smallest number with one decimal that is at least the input. */
    private static double roundUp(double x) {
        long scaled = Math.round(x * 100000);
        if (scaled % 10000 == 0) {
            return scaled / 100000.0;
        }
        return (Math.floor(scaled / 10000.0) + 1) / 10.0;
    }

    private static Double cia3(String v) {
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "H" -> 0.56;
            case "L" -> 0.22;
            case "N" -> 0.0;
            default -> null;
        };
    }

    private static Double cia2(String v) {
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "N" -> 0.0;
            case "P" -> 0.275;
            case "C" -> 0.660;
            default -> null;
        };
    }

    private static Map<String, String> metrics(String vector) {
        Map<String, String> m = new HashMap<>();
        for (String part : vector.trim().split("/")) {
            int colon = part.indexOf(':');
            if (colon > 0) {
                m.putIfAbsent(part.substring(0, colon), part.substring(colon + 1));
            }
        }
        return m;
    }
}
