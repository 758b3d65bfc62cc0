package dev.berth.scan.osv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each ecosystem's version order against its own specification's examples: the test data of
 * dpkg, apk-tools and rpm (resources osv/versions, sources noted there), and the orderings that
 * semver.org, PEP 440, Maven's ComparableVersion documentation and the Go modules reference give.
 */
class EcosystemVersionOrderTest {

    @Test
    void dpkgOrdersAsDpkgsOwnTestsAndDebianPolicy() throws IOException {
        List<String[]> cases = cases("dpkg.txt");
        assertThat(cases).hasSizeGreaterThan(40);
        for (String[] c : cases) {
            assertOrder(DpkgVersion.ORDER, c[0], c[1], Integer.parseInt(c[2]));
        }
    }

    @Test
    void rpmOrdersAsRpmvercmpTests() throws IOException {
        List<String[]> cases = cases("rpm.txt");
        assertThat(cases).hasSizeGreaterThan(60);
        for (String[] c : cases) {
            assertOrder(RpmVersion.ORDER, c[0], c[1], Integer.parseInt(c[2]));
        }
    }

    @Test
    void apkOrdersAsApkToolsVersionData() throws IOException {
        List<String[]> cases = cases("apk.txt");
        assertThat(cases).hasSizeGreaterThan(100);
        for (String[] c : cases) {
            int expected = switch (c[1]) {
                case "<" -> -1;
                case ">" -> 1;
                default -> 0;
            };
            assertOrder(ApkVersion.ORDER, c[0], c[2], expected);
        }
    }

    @Test
    void semverFollowsSemverOrgPrecedence() {
        // semver.org §11 examples
        ascending(
                SemverVersion.ORDER,
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "2.0.0",
                "2.1.0",
                "2.1.1");
        assertOrder(SemverVersion.ORDER, "1.0.0+20130313144700", "1.0.0", 0);
        assertOrder(SemverVersion.ORDER, "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta", 0);
        // npm writes a leading v or = in places
        assertOrder(SemverVersion.ORDER, "v1.2.3", "=1.2.3", 0);
        // numbers of any size, as crates and npm packages have them
        assertOrder(SemverVersion.ORDER, "1.0.0-alpha.99999999999999999999", "1.0.0-alpha.100000000000000000000", -1);
    }

    @Test
    void goOrdersPseudoVersionsAsTheGoModulesReference() {
        // go.dev/ref/mod#pseudo-versions: vX.0.0-yyyymmddhhmmss-abcdef before vX.0.0's releases,
        // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef after vX.Y.Z and before vX.Y.(Z+1),
        // vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef after vX.Y.Z-pre and before vX.Y.Z
        ascending(
                SemverVersion.ORDER,
                "0.0.0-20191109021931-daa7c04131f5",
                "0.1.0",
                "1.2.3",
                "1.2.4-0.20191109021931-daa7c04131f5",
                "1.2.4-0.20200101000000-aaaaaaaaaaaa",
                "1.2.4",
                "1.2.5-pre",
                "1.2.5-pre.0.20191109021931-daa7c04131f5",
                "1.2.5");
        assertOrder(SemverVersion.ORDER, "2.0.0+incompatible", "2.0.0", 0);
    }

    @Test
    void cargoUsesSemver() {
        ascending(SemverVersion.ORDER, "0.9.9", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0", "1.0.1", "1.10.0");
        assertThat(Ecosystems.order("crates.io")).contains(SemverVersion.ORDER);
    }

    @Test
    void pep440OrdersAsTheSpecificationsSummary() {
        // PEP 440, "Summary of permitted suffixes and relative ordering"
        ascending(
                Pep440Version.ORDER,
                "1.dev0",
                "1.0.dev456",
                "1.0a1",
                "1.0a2.dev456",
                "1.0a12.dev456",
                "1.0a12",
                "1.0b1.dev456",
                "1.0b2",
                "1.0b2.post345.dev456",
                "1.0b2.post345",
                "1.0rc1.dev456",
                "1.0rc1",
                "1.0",
                "1.0+abc.5",
                "1.0+abc.7",
                "1.0+5",
                "1.0.post456.dev34",
                "1.0.post456",
                "1.0.15",
                "1.1.dev1");
        // normalisation: alternative spellings are the same version
        assertOrder(Pep440Version.ORDER, "1.0-1", "1.0.post1", 0);
        assertOrder(Pep440Version.ORDER, "1.0c1", "1.0rc1", 0);
        assertOrder(Pep440Version.ORDER, "1.0ALPHA1", "1.0a1", 0);
        assertOrder(Pep440Version.ORDER, "1.0.0", "1", 0);
        assertOrder(Pep440Version.ORDER, "v2.0", "2.0", 0);
        assertOrder(Pep440Version.ORDER, "1!0.5", "2.0", 1);
    }

    @Test
    void mavenOrdersAsComparableVersion() {
        // Maven's documented order of qualifiers (maven.apache.org/pom.html#version-order-specification)
        ascending(MavenVersion.ORDER, "1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp", "1.1");
        assertOrder(MavenVersion.ORDER, "1-rc", "1-cr", 0);
        assertOrder(MavenVersion.ORDER, "1", "1-ga", 0);
        assertOrder(MavenVersion.ORDER, "1", "1.0", 0);
        assertOrder(MavenVersion.ORDER, "1-final", "1.0.0", 0);
        // the versions log4j's advisories are written in
        ascending(MavenVersion.ORDER, "2.0-beta9", "2.0", "2.3.1", "2.12.2", "2.14.1", "2.15.0", "2.16.0", "2.17.1");
    }

    @Test
    void rubyGemsOrdersPrereleasesBeforeReleases() {
        ascending(GemVersion.ORDER, "1.0.a", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1");
        assertOrder(GemVersion.ORDER, "1.0.0", "1", 0);
    }

    private static void ascending(Comparator<String> order, String... versions) {
        for (int i = 0; i < versions.length; i++) {
            for (int j = 0; j < versions.length; j++) {
                assertOrder(order, versions[i], versions[j], Integer.compare(i, j));
            }
        }
    }

    private static void assertOrder(Comparator<String> order, String a, String b, int expected) {
        assertThat(Integer.signum(order.compare(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        assertThat(Integer.signum(order.compare(b, a))).as("%s vs %s", b, a).isEqualTo(-expected);
    }

    private static List<String[]> cases(String file) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = EcosystemVersionOrderTest.class.getResourceAsStream("/osv/versions/" + file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                out.add(trimmed.split("\\s+"));
            }
        }
        return out;
    }
}
