package dev.berth.scan.osv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import tools.jackson.databind.JsonNode;

/**
 * The parts of an OSV record that matching and reporting need.
 *
 * @param cvssV3 the CVSS v3 vector, if the record has one
 * @param cvssV2 the CVSS v2 vector, if the record has one
 * @param ratedSeverity a severity word the source gave ({@code database_specific.severity}: GHSA's
 *     CRITICAL/HIGH/MODERATE/LOW; Ubuntu's severity entry), if any
 */
record OsvAdvisory(
        String id,
        List<String> aliases,
        List<String> upstream,
        String summary,
        String details,
        boolean withdrawn,
        List<String> links,
        List<String> cweIds,
        Optional<String> cvssV3,
        Optional<String> cvssV2,
        Optional<String> ratedSeverity,
        List<Affected> affected) {

    /**
     * One {@code affected} entry.
     *
     * @param ranges the SEMVER and ECOSYSTEM ranges (GIT ranges say nothing about package versions)
     * @param ratedSeverity {@code ecosystem_specific.severity} or {@code database_specific.severity}
     *     of this entry, if given
     */
    record Affected(
            String ecosystem, String name, List<Range> ranges, List<String> versions, Optional<String> ratedSeverity) {}

    /** A range's events, each with one of introduced, fixed, last_affected or limit. */
    record Range(String type, List<Event> events) {}

    record Event(String kind, String version) {}

    static OsvAdvisory parse(JsonNode r) {
        List<String> aliases = texts(r.path("aliases"));
        List<String> links = new ArrayList<>();
        for (JsonNode ref : r.path("references")) {
            String url = ref.path("url").asString("");
            if (!url.isEmpty() && !links.contains(url)) {
                links.add(url);
            }
        }
        Optional<String> v3 = Optional.empty();
        Optional<String> v2 = Optional.empty();
        Optional<String> rated = word(r.path("database_specific").path("severity"));
        for (JsonNode s : r.path("severity")) {
            String type = s.path("type").asString("");
            String score = s.path("score").asString("");
            switch (type) {
                case "CVSS_V3" -> v3 = v3.isPresent() ? v3 : Optional.of(score);
                case "CVSS_V2" -> v2 = v2.isPresent() ? v2 : Optional.of(score);
                case "Ubuntu" -> rated = rated.isPresent() ? rated : Optional.of(score);
                default -> {}
            }
        }
        if (rated.isEmpty()) {
            rated = erratumSeverity(r.path("id").asString(""), r.path("summary").asString(""));
        }
        List<Affected> affected = new ArrayList<>();
        for (JsonNode a : r.path("affected")) {
            List<Range> ranges = new ArrayList<>();
            for (JsonNode range : a.path("ranges")) {
                String type = range.path("type").asString("");
                if (!type.equals("SEMVER") && !type.equals("ECOSYSTEM")) {
                    continue;
                }
                List<Event> events = new ArrayList<>();
                for (JsonNode e : range.path("events")) {
                    for (String kind : List.of("introduced", "fixed", "last_affected", "limit")) {
                        if (e.path(kind).isString()) {
                            events.add(new Event(kind, e.path(kind).asString()));
                        }
                    }
                }
                ranges.add(new Range(type, List.copyOf(events)));
            }
            Optional<String> entrySeverity = word(a.path("ecosystem_specific").path("severity"))
                    .or(() -> word(a.path("database_specific").path("severity")))
                    .or(() -> word(a.path("ecosystem_specific").path("urgency")).flatMap(OsvAdvisory::debianUrgency));
            affected.add(new Affected(
                    a.path("package").path("ecosystem").asString(""),
                    a.path("package").path("name").asString(""),
                    List.copyOf(ranges),
                    texts(a.path("versions")),
                    entrySeverity));
        }
        List<String> cwes = texts(r.path("database_specific").path("cwe_ids"));
        List<String> upstream = new ArrayList<>(texts(r.path("upstream")));
        upstream.addAll(texts(r.path("related")));
        return new OsvAdvisory(
                r.path("id").asString(""),
                aliases,
                List.copyOf(upstream),
                r.path("summary").asString(""),
                r.path("details").asString(""),
                r.path("withdrawn").isString()
                        && !r.path("withdrawn").asString().isEmpty(),
                List.copyOf(links),
                cwes,
                v3,
                v2,
                rated,
                List.copyOf(affected));
    }

    /**
     * The id reports and allow-lists use: the CVE this advisory is or aliases; else the one CVE a
     * distribution's advisory is about ({@code upstream} of DEBIAN-CVE records, {@code related} of a
     * DSA naming a single CVE); else its own id.
     */
    String reportId() {
        if (id.startsWith("CVE-")) {
            return id;
        }
        Optional<String> alias =
                aliases.stream().filter(a -> a.startsWith("CVE-")).sorted().findFirst();
        if (alias.isPresent()) {
            return alias.get();
        }
        List<String> cves =
                upstream.stream().filter(a -> a.startsWith("CVE-")).distinct().toList();
        return cves.size() == 1 ? cves.getFirst() : id;
    }

    OptionalDouble scoreV3() {
        return cvssV3.map(Cvss::v3).orElse(OptionalDouble.empty());
    }

    OptionalDouble scoreV2() {
        return cvssV2.map(Cvss::v2).orElse(OptionalDouble.empty());
    }

    /**
     * Harbor's severity of this advisory for one affected entry: from the CVSS v3 score, else the
     * severity word of the entry or the record, else the CVSS v2 score, else Unknown.
     */
    String severity(Affected entry) {
        OptionalDouble v3 = scoreV3();
        if (v3.isPresent()) {
            return byScore(v3.getAsDouble());
        }
        Optional<String> word = entry.ratedSeverity().or(this::ratedSeverity).flatMap(OsvAdvisory::harborSeverity);
        if (word.isPresent()) {
            return word.get();
        }
        OptionalDouble v2 = scoreV2();
        return v2.isPresent() ? byScore(v2.getAsDouble()) : "Unknown";
    }

    /** CVSS's qualitative rating scale, in Harbor's words. */
    static String byScore(double score) {
        if (score >= 9.0) {
            return "Critical";
        }
        if (score >= 7.0) {
            return "High";
        }
        if (score >= 4.0) {
            return "Medium";
        }
        if (score > 0) {
            return "Low";
        }
        return "None";
    }

    /**
     * The Debian security tracker's urgency as a severity word (as Trivy reads it): unimportant and
     * low are Low; "not yet assigned" says nothing.
     */
    static Optional<String> debianUrgency(String urgency) {
        String u = urgency.trim().toLowerCase(Locale.ROOT).replace("*", "");
        return switch (u) {
            case "unimportant", "low", "end-of-life" -> Optional.of("low");
            case "medium" -> Optional.of("medium");
            case "high" -> Optional.of("high");
            default -> Optional.empty();
        };
    }

    /**
     * The severity of a Red Hat-style erratum (AlmaLinux's ALSA, Rocky Linux's RLSA, Red Hat's
     * RHSA): their OSV records carry none in a field, but the erratum's summary starts with Red
     * Hat's severity word ("Moderate: openssl security and bug fix update"), as Trivy reads it
     * from the distributions' own errata data.
     */
    static Optional<String> erratumSeverity(String id, String summary) {
        if (!(id.startsWith("ALSA-") || id.startsWith("RLSA-") || id.startsWith("RHSA-"))) {
            return Optional.empty();
        }
        int colon = summary.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String word = summary.substring(0, colon).trim();
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "critical", "important", "moderate", "low" -> Optional.of(word);
            default -> Optional.empty();
        };
    }

    /** A source's severity word in Harbor's terms (GHSA's MODERATE is Medium; Ubuntu's negligible is Low). */
    static Optional<String> harborSeverity(String word) {
        return switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> Optional.of("Critical");
            case "high", "important" -> Optional.of("High");
            case "moderate", "medium" -> Optional.of("Medium");
            case "low", "negligible" -> Optional.of("Low");
            default -> Optional.empty();
        };
    }

    /** A version inside an entry's ranges or list, with the version that fixes it when one is known. */
    record Hit(Optional<String> fixVersion) {}

    /**
     * Whether {@code version} is affected by this entry (OSV's evaluation: listed in
     * {@code versions}, or inside a range), and the version that fixes it when known.
     */
    static Optional<Hit> affects(Affected entry, String version, Comparator<String> order) {
        boolean hit = entry.versions().contains(version);
        Optional<String> fix = Optional.empty();
        for (Range range : entry.ranges()) {
            Optional<Optional<String>> inRange = evaluate(range, version, order);
            if (inRange.isPresent()) {
                hit = true;
                fix = fix.or(inRange::get);
            }
        }
        return hit ? Optional.of(new Hit(fix)) : Optional.empty();
    }

    /**
     * OSV's range evaluation: events in version order ("0" first); an introduced at or below the
     * version opens, a fixed at or below it or a last_affected below it closes. Empty when the
     * version is outside, else the next fixed version after it (itself empty when none).
     */
    static Optional<Optional<String>> evaluate(Range range, String version, Comparator<String> order) {
        List<Event> events = new ArrayList<>(range.events());
        Comparator<Event> byVersion = (x, y) -> {
            boolean xz = x.version().equals("0");
            boolean yz = y.version().equals("0");
            if (xz || yz) {
                return xz == yz ? 0 : (xz ? -1 : 1);
            }
            return order.compare(x.version(), y.version());
        };
        events.sort(byVersion);
        boolean affected = false;
        for (Event e : events) {
            switch (e.kind()) {
                case "introduced" -> {
                    if (e.version().equals("0") || order.compare(version, e.version()) >= 0) {
                        affected = true;
                    }
                }
                case "fixed" -> {
                    if (order.compare(version, e.version()) >= 0) {
                        affected = false;
                    }
                }
                case "last_affected" -> {
                    if (order.compare(version, e.version()) > 0) {
                        affected = false;
                    }
                }
                case "limit" -> {
                    if (order.compare(version, e.version()) >= 0) {
                        affected = false;
                    }
                }
                default -> {}
            }
        }
        if (!affected) {
            return Optional.empty();
        }
        return Optional.of(events.stream()
                .filter(e -> e.kind().equals("fixed") && order.compare(e.version(), version) > 0)
                .map(Event::version)
                .findFirst());
    }

    private static Optional<String> word(JsonNode node) {
        return node.isString() && !node.asString().isBlank() ? Optional.of(node.asString()) : Optional.empty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isString()) {
                out.add(n.asString());
            }
        }
        return List.copyOf(out);
    }
}
