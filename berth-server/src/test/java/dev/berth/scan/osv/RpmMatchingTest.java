package dev.berth.scan.osv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * rpm packages' place in OSV: which ecosystem and name a purl of the built-in scanner's SBOM is
 * looked up under, and rpm's version order checked against rpm itself ({@code rpm.vercmp} of
 * Debian's rpm, through its Lua interpreter) on generated versions with epochs, tildes and carets.
 */
class RpmMatchingTest {
    @Test
    void almaAndRockyByBinaryNameSuseAndOpensuseBySourceName() {
        assertThat(
                        PackageCoordinates.of(
                                "pkg:rpm/alma/openssl-libs@3.0.1-43.el9_0?arch=x86_64&distro=alma-9.1&epoch=1&upstream=openssl"))
                .hasValue(new PackageCoordinates(
                        List.of("AlmaLinux:9"),
                        "openssl-libs",
                        "1:3.0.1-43.el9_0",
                        "openssl-libs",
                        "1:3.0.1-43.el9_0"));
        assertThat(PackageCoordinates.of("pkg:rpm/rocky/bash@5.1.8-6.el9_1?arch=x86_64&distro=rocky-9.3"))
                .get()
                .extracting(PackageCoordinates::ecosystems)
                .isEqualTo(List.of("Rocky Linux:9"));
        assertThat(PackageCoordinates.of(
                        "pkg:rpm/sles/libicu-suse65_1@65.1-150200.4.10.1?arch=x86_64&distro=sles-15.5&upstream=icu"))
                .hasValue(new PackageCoordinates(
                        List.of("SUSE:Linux Enterprise Server 15 SP5"),
                        "icu",
                        "65.1-150200.4.10.1",
                        "libicu-suse65_1",
                        "65.1-150200.4.10.1"));
        assertThat(PackageCoordinates.of("pkg:rpm/opensuse.leap/icu@65.1-150200.4.10.1?distro=opensuse.leap-15.6"))
                .get()
                .extracting(PackageCoordinates::ecosystems)
                .isEqualTo(List.of("openSUSE:Leap 15.6"));
        assertThat(PackageCoordinates.of(
                        "pkg:rpm/opensuse.tumbleweed/curl@8.5.0-1.1?distro=opensuse.tumbleweed-20240101"))
                .get()
                .extracting(PackageCoordinates::ecosystems)
                .isEqualTo(List.of("openSUSE:Tumbleweed"));
        // No OSV ecosystem (CentOS, Fedora, Amazon, Oracle) or none Berth can name (Red Hat's per repository)
        for (String ns : List.of("centos", "fedora", "amazon", "oracle", "redhat")) {
            assertThat(PackageCoordinates.of("pkg:rpm/" + ns + "/bash@5.1.8-6?distro=" + ns + "-9"))
                    .as(ns)
                    .isEmpty();
        }
    }

    @Test
    void rpmVersionOrderAgreesWithRpmItself() throws Exception {
        Random random = new Random(5);
        String[] parts = {"0", "1", "01", "2", "10", "a", "b", "rc", "el9", "~", "^", ".", "_", "+", "fc", "001", "9"};
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pairs.add(new String[] {version(random, parts), version(random, parts)});
        }
        StringBuilder lua = new StringBuilder("%{lua:");
        for (String[] p : pairs) {
            lua.append("print(rpm.vercmp('")
                    .append(p[0])
                    .append("','")
                    .append(p[1])
                    .append("')..';')\n");
        }
        lua.append('}');
        List<String> rpm = java.util.Arrays.stream(
                        run("rpm", "--eval", lua.toString()).split(";"))
                .map(String::trim)
                .filter(l -> !l.isEmpty())
                .toList();
        assertThat(rpm).hasSize(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            String[] p = pairs.get(i);
            assertThat(Integer.signum(RpmVersion.ORDER.compare(p[0], p[1])))
                    .as("%s vs %s", p[0], p[1])
                    .isEqualTo(Integer.parseInt(rpm.get(i).trim()));
        }
    }

    /** {@code [epoch:]version-release} built from random pieces, starting with a digit as rpm's do. */
    private static String version(Random random, String[] parts) {
        StringBuilder v = new StringBuilder();
        if (random.nextInt(4) == 0) {
            v.append(random.nextInt(3)).append(':');
        }
        v.append(1 + random.nextInt(3));
        for (int i = random.nextInt(5); i > 0; i--) {
            v.append(parts[random.nextInt(parts.length)]);
        }
        v.append('-').append(random.nextInt(3));
        for (int i = random.nextInt(3); i > 0; i--) {
            v.append(parts[random.nextInt(parts.length)]);
        }
        return v.toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
