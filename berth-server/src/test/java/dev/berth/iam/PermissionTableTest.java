package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.PermissionTable.Rule;
import dev.berth.iam.PermissionTable.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The permission table against Harbor v2.14.4's own, cell by cell: {@code harbor/rbac-v2.14.4.txt}
 * transcribes Harbor's role matrix, public-project policies, robot permissions and system namespace
 * from its source.
 */
class PermissionTableTest {
    private static final List<String[]> HARBOR = read();

    private static List<String[]> read() {
        try (InputStream in = PermissionTableTest.class.getResourceAsStream("/harbor/rbac-v2.14.4.txt")) {
            List<String[]> cells = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    cells.add(line.strip().split(" "));
                }
            }
            return cells;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Harbor's cells of one kind and column, as "resource action", in Harbor's order. */
    private static List<String> harbor(String kind, String column) {
        return HARBOR.stream()
                .filter(c -> c[0].equals(kind) && c[1].equals(column))
                .map(c -> c[2] + " " + c[3])
                .toList();
    }

    private static String cell(Rule r) {
        return r.resource().wire() + " " + r.action().wire();
    }

    private static Set<String> ours(Scope scope, java.util.function.Predicate<Rule> holds) {
        return PermissionTable.rules().stream()
                .filter(r -> r.scope() == scope && holds.test(r))
                .map(PermissionTableTest::cell)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest
    @EnumSource(ProjectRole.class)
    void eachRoleHoldsExactlyHarborsPolicies(ProjectRole role) {
        assertThat(harbor("role", role.roleName())).isNotEmpty();
        assertThat(ours(Scope.PROJECT, r -> r.roles().contains(role)))
                .containsExactlyElementsOf(new TreeSet<>(harbor("role", role.roleName())));
        // And the role answers from the same table.
        for (String cell : harbor("role", role.roleName())) {
            String[] ra = cell.split(" ");
            assertThat(role.permits(
                            Resource.of(ra[0]).orElseThrow(), Action.of(ra[1]).orElseThrow()))
                    .as("%s %s", role, cell)
                    .isTrue();
        }
    }

    @Test
    void publicProjectsOpenExactlyHarborsPublicPolicies() {
        assertThat(ours(Scope.PROJECT, Rule::publicProject))
                .containsExactlyElementsOf(new TreeSet<>(harbor("public", "-")));
    }

    @Test
    void robotsMayBeGrantedExactlyHarborsPermissionsInHarborsOrder() {
        assertThat(PermissionTable.robotAssignable(Scope.SYSTEM).stream().map(PermissionTableTest::cell))
                .containsExactlyElementsOf(new LinkedHashSet<>(harbor("robot", "system")));
        assertThat(PermissionTable.robotAssignable(Scope.PROJECT).stream().map(PermissionTableTest::cell))
                .containsExactlyElementsOf(new LinkedHashSet<>(harbor("robot", "project")));
    }

    /**
     * Harbor's system namespace names P2P preheat provider instances {@code distribution}; Berth
     * lists them under the resource its API checks, {@code preheat-instance} (Harbor's preheat
     * handlers check that one too), so a client sees the same five actions under another name.
     */
    @Test
    void theSystemNamespaceIsHarborsWithPreheatInstancesUnderTheirCheckedName() {
        Set<String> harbor = new TreeSet<>(harbor("system", "-"));
        Set<String> ours = ours(Scope.SYSTEM, Rule::systemNamespace);
        Set<String> onlyHarbor = new TreeSet<>(harbor);
        onlyHarbor.removeAll(ours);
        Set<String> onlyOurs = new TreeSet<>(ours);
        onlyOurs.removeAll(harbor);
        List<String> actions = List.of("create", "delete", "list", "read", "update");
        assertThat(onlyHarbor)
                .containsExactlyElementsOf(
                        actions.stream().map(a -> "distribution " + a).toList());
        assertThat(onlyOurs)
                .containsExactlyElementsOf(
                        actions.stream().map(a -> "preheat-instance " + a).toList());
    }

    @Test
    void everyResourceAndActionOfHarborsTableIsKnownHereButDistribution() {
        Set<String> unknown = new TreeSet<>();
        for (String[] c : HARBOR) {
            if (Resource.of(c[2]).isEmpty()) {
                unknown.add("resource " + c[2]);
            }
            if (Action.of(c[3]).isEmpty()) {
                unknown.add("action " + c[3]);
            }
        }
        assertThat(unknown).containsExactly("resource distribution");
    }

    @Test
    void theProjectNamespaceIsWhatSomeRoleOrPublicAccessGrants() {
        Set<String> granted = new TreeSet<>();
        for (ProjectRole role : ProjectRole.values()) {
            granted.addAll(harbor("role", role.roleName()));
        }
        granted.addAll(harbor("public", "-"));
        Set<String> namespace = PermissionTable.namespace(Scope.PROJECT).stream()
                .map(PermissionTableTest::cell)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(namespace).containsExactlyElementsOf(granted);
    }
}
