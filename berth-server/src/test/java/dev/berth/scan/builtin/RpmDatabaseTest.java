package dev.berth.scan.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rpm databases read by the cataloguer, checked against what Debian's {@code rpm -qa} reads from
 * the same files: an {@code rpmdb.sqlite} written by {@code rpm} itself (packages built with
 * {@code rpmbuild}, headers large enough for overflow pages and enough rows for interior pages),
 * a published Berkeley DB {@code Packages} of CentOS 8, and damaged copies of both, which must give
 * a note and never an exception or a hang.
 */
class RpmDatabaseTest {
    private static Path root;
    private static byte[] sqlite;

    @BeforeAll
    static void build() throws Exception {
        root = RpmFixture.installedRoot(15);
        sqlite = Files.readAllBytes(root.resolve("var/lib/rpm/rpmdb.sqlite"));
    }

    private static ImageCatalogue catalogue(LayerFixture layer) throws IOException {
        return new Cataloguer().catalogue(List.of(layer));
    }

    private static Set<String> asRpmSays(ImageCatalogue c) {
        return c.packages().stream()
                .map(p -> p.name() + " " + p.qualifiers().getOrDefault("epoch", "0") + ":" + p.version() + " "
                        + p.qualifiers().get("arch"))
                .collect(Collectors.toSet());
    }

    @Test
    void sqliteDatabaseWrittenByRpmListsWhatRpmQaLists() throws Exception {
        ImageCatalogue c = catalogue(LayerFixture.gzip("alma")
                .file(
                        "etc/os-release",
                        "ID=\"almalinux\"\nVERSION_ID=\"9.1\"\nPRETTY_NAME=\"AlmaLinux 9.1\"\n".getBytes())
                .file("var/lib/rpm/rpmdb.sqlite", sqlite));
        assertThat(c.notes()).isEmpty();
        List<String> rpmQa = RpmFixture.query(root.resolve("var/lib/rpm"), "sqlite");
        assertThat(rpmQa).hasSize(16);
        assertThat(asRpmSays(c)).isEqualTo(Set.copyOf(rpmQa));

        CataloguedPackage libs = c.packages().stream()
                .filter(p -> p.name().equals("openssl-devel"))
                .findFirst()
                .orElseThrow();
        assertThat(libs.licenses()).containsExactly("ASL 2.0");
        assertThat(libs.purl(c.distro()).orElseThrow().canonicalize())
                .isEqualTo("pkg:rpm/alma/openssl-devel@3.0.1-43.el9_0?arch=noarch&distro=alma-9.1&epoch=1"
                        + "&modularitylabel=openssl%3A3%3A9000%3Aberth&upstream=openssl");
    }

    @Test
    void sqliteDatabaseUnderUsrLibSysimageAsFedoraKeepsIt() throws Exception {
        ImageCatalogue c = catalogue(LayerFixture.gzip("fedora")
                .file("etc/os-release", "ID=fedora\nVERSION_ID=39\n".getBytes())
                .file("usr/lib/sysimage/rpm/rpmdb.sqlite", sqlite));
        assertThat(c.packages()).hasSize(16);
        assertThat(c.named().stream().map(n -> n.purl().canonicalize()))
                .contains("pkg:rpm/fedora/berth-test-7@1.7~rc1-43.el9_0?arch=noarch&distro=fedora-39&epoch=1"
                        + "&modularitylabel=openssl%3A3%3A9000%3Aberth&upstream=openssl");
    }

    @Test
    void berkeleyDatabaseOfCentos8ListsWhatRpmQaLists() throws Exception {
        Path dir = Files.createTempDirectory("bdb");
        Files.copy(RpmFixture.berkeleyPackages(), dir.resolve("Packages"));
        List<String> rpmQa = RpmFixture.query(dir, "bdb_ro");
        assertThat(rpmQa).containsExactly("libuuid 0:2.32.1-42.el8_8 x86_64");

        ImageCatalogue c = catalogue(LayerFixture.gzip("centos")
                .file("etc/redhat-release", "CentOS Linux release 8.4.2105\n".getBytes())
                .file("var/lib/rpm/Packages", Files.readAllBytes(RpmFixture.berkeleyPackages())));
        assertThat(c.notes()).isEmpty();
        assertThat(asRpmSays(c)).isEqualTo(Set.copyOf(rpmQa));
        assertThat(c.named().getFirst().purl().canonicalize())
                .isEqualTo(
                        "pkg:rpm/centos/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=centos-8.4.2105&upstream=util-linux");
        assertThat(c.packages().getFirst().licenses()).containsExactly("BSD");
    }

    @Test
    void ndbDatabaseOfSle15ListsWhatGoRpmdbLists() throws Exception {
        byte[] ndb = Files.readAllBytes(RpmFixture.ndbPackages());
        Set<String> expected =
                Files.readAllLines(RpmFixture.ndbPackages().resolveSibling("sle15-bci-rpm-qa.txt")).stream()
                        .filter(l -> !l.startsWith("#") && !l.isBlank())
                        .collect(Collectors.toSet());
        assertThat(expected).hasSize(35);
        ImageCatalogue c = catalogue(LayerFixture.gzip("sle")
                .file("etc/os-release", "NAME=\"SLES\"\nID=\"sles\"\nVERSION_ID=\"15.3\"\n".getBytes())
                .file("usr/lib/sysimage/rpm/Packages.db", ndb));
        assertThat(c.notes()).isEmpty();
        assertThat(asRpmSays(c)).isEqualTo(expected);
        assertThat(c.named().stream().map(n -> n.purl().canonicalize()))
                .contains("pkg:rpm/sles/libpcre1@8.45-20.10.1?arch=x86_64&distro=sles-15.3&upstream=pcre");

        // damaged copies: a note, never an exception or a hang
        Random random = new Random(15);
        List<String> notes = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            byte[] copy = ndb.clone();
            if (round % 10 == 1) {
                copy = java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
            } else {
                for (int i = 0; i < 1 + random.nextInt(20); i++) {
                    // the header, the slots, or anywhere
                    int at = switch (round % 3) {
                        case 0 -> random.nextInt(32);
                        case 1 -> random.nextInt(4096);
                        default -> random.nextInt(copy.length);
                    };
                    copy[at] = (byte) random.nextInt(256);
                }
            }
            ImageCatalogue broken = catalogue(LayerFixture.plain("ndb-" + round).file("var/lib/rpm/Packages.db", copy));
            notes.addAll(broken.notes());
        }
        assertThat(notes).isNotEmpty().allMatch(n -> n.startsWith("var/lib/rpm/Packages.db: "));
    }

    @Test
    void damagedDatabasesGiveANoteNeverAnExceptionOrAHang() throws Exception {
        byte[] bdb = Files.readAllBytes(RpmFixture.berkeleyPackages());
        Random random = new Random(14);
        List<String> notes = new ArrayList<>();
        for (int round = 0; round < 100; round++) {
            boolean useSqlite = round % 2 == 0;
            byte[] copy = (useSqlite ? sqlite : bdb).clone();
            if (round % 10 == 1) {
                copy = java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
            } else {
                for (int i = 0; i < 1 + random.nextInt(40); i++) {
                    // Damage mostly the structure: page headers and the start of pages.
                    int page = random.nextInt(Math.max(1, copy.length / 4096));
                    int at = page * 4096 + random.nextInt(random.nextBoolean() ? 64 : 4096);
                    if (at < copy.length) {
                        copy[at] = (byte) random.nextInt(256);
                    }
                }
            }
            String path = useSqlite ? "var/lib/rpm/rpmdb.sqlite" : "var/lib/rpm/Packages";
            ImageCatalogue c = catalogue(LayerFixture.plain("broken-" + round).file(path, copy));
            notes.addAll(c.notes());
        }
        assertThat(notes).isNotEmpty().allMatch(n -> n.startsWith("var/lib/rpm/"));
        ImageCatalogue garbage =
                catalogue(LayerFixture.plain("garbage").file("var/lib/rpm/rpmdb.sqlite", "not sqlite".getBytes()));
        assertThat(garbage.packages()).isEmpty();
        assertThat(garbage.notes())
                .containsExactly(
                        "var/lib/rpm/rpmdb.sqlite: the rpm database could not be read, not an SQLite 3 database");
    }

    @Test
    void gpgPubkeyPseudoPackagesAreSkipped() {
        byte[] header = header("gpg-pubkey", "fd431d51", "4ae0493b");
        assertThat(RpmHeader.toPackage(header, "x")).isEmpty();
        assertThat(RpmHeader.toPackage(header("bash", "5.1.8", "6.el9"), "x")
                        .orElseThrow()
                        .version())
                .isEqualTo("5.1.8-6.el9");
    }

    /** A minimal header as rpm lays one out: NAME, VERSION, RELEASE strings. */
    private static byte[] header(String name, String version, String release) {
        byte[] data = (name + "\0" + version + "\0" + release + "\0").getBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 3 * 16 + data.length);
        b.putInt(3).putInt(data.length);
        int[] tags = {RpmHeader.NAME, RpmHeader.VERSION, RpmHeader.RELEASE};
        int offset = 0;
        String[] values = {name, version, release};
        for (int i = 0; i < 3; i++) {
            b.putInt(tags[i]).putInt(6).putInt(offset).putInt(1);
            offset += values[i].length() + 1;
        }
        b.put(data);
        return b.array();
    }
}
