package dev.berth.support.contract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test whose requests got {@code /api/v2.0} responses that break Harbor's swagger. Registered
 * for every test of the build through {@code META-INF/services} and {@code junit-platform.properties}
 * (automatic extension registration). Violations found before a test starts (in its class's
 * {@code @BeforeAll}) fail that test too; those of an {@code @AfterAll} fail the class.
 */
public final class ContractExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        failOn(ContractViolations.drain(), "before this test (class set-up or an earlier test's late requests)");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOn(ContractViolations.drain(), "during this test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failOn(ContractViolations.drain(), "after the tests of " + context.getDisplayName());
    }

    private static void failOn(List<Violation> violations, String when) {
        if (violations.isEmpty()) {
            return;
        }
        // One line per kind of problem: a list of 50 items missing a field is one problem, seen 50 times.
        Map<String, List<Violation>> byKind = violations.stream()
                .collect(Collectors.groupingBy(
                        v -> v.operationId() + " " + v.status() + " "
                                + v.pointer().replaceAll("/\\d+(?=/|$)", "/*") + " " + v.problem(),
                        LinkedHashMap::new,
                        Collectors.toList()));
        throw new AssertionError(violations.size()
                + " /api/v2.0 response(s) broke Harbor's swagger (src/test/resources/harbor/), " + when + ":\n  "
                + byKind.values().stream()
                        .map(vs -> vs.getFirst() + (vs.size() > 1 ? "  (" + vs.size() + " times)" : ""))
                        .collect(Collectors.joining("\n  "))
                + "\nFix the response, or document a deliberate difference in harbor/deviations.yaml.");
    }
}
