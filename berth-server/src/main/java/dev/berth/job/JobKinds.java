package dev.berth.job;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registered kinds by name; two kinds with one name are a wiring error. */
final class JobKinds {
    private JobKinds() {}

    static Map<String, JobKind> byName(List<JobKind> kinds) {
        Map<String, JobKind> byName = new TreeMap<>();
        for (JobKind kind : kinds) {
            if (byName.putIfAbsent(kind.name(), kind) != null) {
                throw new IllegalStateException("two job kinds are named " + kind.name());
            }
        }
        return Map.copyOf(byName);
    }
}
