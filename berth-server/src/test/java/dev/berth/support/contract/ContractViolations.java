package dev.berth.support.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The violations found in this test JVM's servers since they were last taken: the filter adds, the
 * JUnit extension takes them after each test and fails that test. Tests run one at a time per JVM,
 * so what is here after a test was produced by it (or by its class's set-up).
 */
public final class ContractViolations {
    private static final ConcurrentLinkedQueue<Violation> FOUND = new ConcurrentLinkedQueue<>();

    private ContractViolations() {}

    static void add(Violation v) {
        FOUND.add(v);
    }

    /** The violations found since the last call, oldest first. */
    public static List<Violation> drain() {
        List<Violation> out = new ArrayList<>();
        for (Violation v; (v = FOUND.poll()) != null; ) {
            out.add(v);
        }
        return out;
    }
}
