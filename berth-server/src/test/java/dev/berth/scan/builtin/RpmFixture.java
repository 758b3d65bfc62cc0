package dev.berth.scan.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real rpm databases made by Debian's {@code rpm} package: a spec is built with {@code rpmbuild}
 * and its packages installed with {@code rpm --root} into a scratch root, whose
 * {@code var/lib/rpm/rpmdb.sqlite} is then what Fedora's and RHEL 9's rpm write.
 */
public final class RpmFixture {
    private RpmFixture() {}

    /** The Berkeley DB {@code Packages} of a CentOS 8 image (see the README next to it). */
    public static Path berkeleyPackages() {
        return Path.of("src/test/resources/scan/rpm/centos8-libuuid-Packages");
    }

    /** go-rpmdb's ndb {@code Packages.db} of SLE 15 SP3 (see the folder's README). */
    public static Path ndbPackages() {
        return Path.of("src/test/resources/scan/rpm/sle15-bci-Packages.db");
    }

    /**
     * Builds {@code openssl} (epoch 1, version {@code 3.0.1-43.el9_0}, noarch) with an
     * {@code openssl-devel} subpackage plus {@code extra} subpackages {@code berth-test-N} whose long
     * descriptions make headers span overflow pages, installs the binary packages into a scratch
     * root and returns that root.
     */
    public static Path installedRoot(int extra) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("rpm-fixture");
        StringBuilder spec = new StringBuilder("""
                Name: openssl
                Epoch: 1
                Version: 3.0.1
                Release: 43.el9_0
                Summary: Berth test package
                License: ASL 2.0
                Vendor: Berth tests
                BuildArch: noarch
                ModularityLabel: openssl:3:9000:berth

                %description
                Berth test package.

                %package devel
                Summary: Berth test headers
                %description devel
                Berth test headers.

                """);
        String longText = "A description long enough to need overflow pages. ".repeat(200);
        for (int i = 0; i < extra; i++) {
            spec.append("%package -n berth-test-")
                    .append(i)
                    .append('\n')
                    .append("Summary: extra ")
                    .append(i)
                    .append('\n')
                    .append("Version: 1.")
                    .append(i)
                    .append("~rc1\n")
                    .append("%description -n berth-test-")
                    .append(i)
                    .append('\n')
                    .append(longText)
                    .append("\n\n")
                    .append("%files -n berth-test-")
                    .append(i)
                    .append('\n')
                    .append("/usr/share/berth-test/extra-")
                    .append(i)
                    .append(".txt\n\n");
        }
        spec.append("%install\nmkdir -p %{buildroot}/usr/share/berth-test\n");
        spec.append("echo devel > %{buildroot}/usr/share/berth-test/openssl-devel.txt\n");
        for (int i = 0; i < extra; i++) {
            spec.append("echo ")
                    .append(i)
                    .append(" > %{buildroot}/usr/share/berth-test/extra-")
                    .append(i)
                    .append(".txt\n");
        }
        spec.append("\n%files devel\n/usr/share/berth-test/openssl-devel.txt\n");
        Path specFile = dir.resolve("test.spec");
        Files.writeString(specFile, spec.toString());
        run(dir, "rpmbuild", "--define", "_topdir " + dir.resolve("top"), "-bb", specFile.toString());
        List<String> rpms = new ArrayList<>();
        try (var s = Files.walk(dir.resolve("top/RPMS"))) {
            s.filter(p -> p.toString().endsWith(".rpm")).forEach(p -> rpms.add(p.toString()));
        }
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        List<String> install = new ArrayList<>(
                List.of("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-i", "--nodeps"));
        install.addAll(rpms);
        run(dir, install.toArray(String[]::new));
        return root;
    }

    /** What {@code rpm -qa} says of a database: {@code name epoch:version-release arch} lines. */
    public static List<String> query(Path dbDir, String backend) throws IOException, InterruptedException {
        String out = run(
                dbDir,
                "rpm",
                "--dbpath",
                dbDir.toString(),
                "--define",
                "_db_backend " + backend,
                "-qa",
                "--qf",
                "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}\\n");
        return out.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("rpm:") && !l.startsWith("warning"))
                .toList();
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
