package dev.berth.scan.builtin;

import static dev.berth.scan.builtin.LayerFixture.fixtureJar;
import static dev.berth.scan.builtin.LayerFixture.resource;
import static dev.berth.scan.builtin.LayerFixture.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cataloguer on real package databases and archives: this machine's Debian dpkg database
 * (checked against what {@code dpkg-query} says), a real Alpine 3.14 apk database, jars from Maven
 * Central, an npm lockfile written by npm, Python metadata and Go binaries installed here, and
 * layers stacked with whiteouts.
 */
class CataloguerTest {
    private final Cataloguer cataloguer = new Cataloguer();

    private ImageCatalogue catalogue(Cataloguer.Layer... layers) throws IOException {
        return cataloguer.catalogue(List.of(layers));
    }

    private static Set<String> purls(ImageCatalogue c) {
        return c.named().stream().map(n -> n.purl().canonicalize()).collect(Collectors.toSet());
    }

    @Test
    void debianDpkgDatabaseOfThisMachineMatchesDpkgQuery() throws Exception {
        Path status = Path.of("/var/lib/dpkg/status");
        assumeTrue(Files.isRegularFile(status), "a Debian machine");
        ImageCatalogue c = catalogue(LayerFixture.gzip("debian")
                .dir("etc")
                .file("etc/os-release", Path.of("/etc/os-release"))
                .file("var/lib/dpkg/status", status));

        Process p = new ProcessBuilder(
                        "dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n")
                .redirectErrorStream(true)
                .start();
        Set<String> expected;
        try (InputStream in = p.getInputStream()) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(l -> l.split("\t"))
                    .filter(f -> f.length == 4 && f[0].length() >= 2 && f[0].charAt(1) == 'i')
                    .map(f -> f[1] + " " + f[2] + " " + f[3])
                    .collect(Collectors.toSet());
        }
        assertThat(p.waitFor()).isZero();
        Set<String> found = c.packages().stream()
                .map(pk ->
                        pk.name() + " " + pk.version() + " " + pk.qualifiers().get("arch"))
                .collect(Collectors.toSet());
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(found).isEqualTo(expected);

        Distro distro = c.distro().orElseThrow();
        assertThat(distro.id()).isEqualTo("debian");
        CataloguedPackage libc = c.packages().stream()
                .filter(pk -> pk.name().equals("libc6"))
                .findFirst()
                .orElseThrow();
        String purl = libc.purl(c.distro()).orElseThrow().canonicalize();
        assertThat(purl)
                .startsWith("pkg:deb/debian/libc6@" + libc.version().replace("+", "%2B") + "?")
                .contains("arch=" + libc.qualifiers().get("arch"))
                .contains("distro=debian-" + distro.versionId())
                .contains("upstream=glibc");
        assertThat(c.notes()).isEmpty();
    }

    @Test
    void alpineApkDatabase() throws Exception {
        ImageCatalogue c = catalogue(LayerFixture.gzip("alpine")
                .file("etc/os-release", resource("alpine-3.14-os-release"))
                .file("lib/apk/db/installed", resource("alpine-3.14-apk-installed")));
        assertThat(c.packages()).hasSize(26);
        assertThat(purls(c))
                .contains(
                        "pkg:apk/alpine/musl@1.2.2-r3?arch=armv7&distro=alpine-3.14.0",
                        "pkg:apk/alpine/libcrypto1.1@1.1.1k-r0?arch=armv7&distro=alpine-3.14.0&upstream=openssl",
                        "pkg:apk/alpine/busybox@1.33.1-r3?arch=armv7&distro=alpine-3.14.0");
        CataloguedPackage ca = c.packages().stream()
                .filter(p -> p.name().equals("ca-certificates-bundle"))
                .findFirst()
                .orElseThrow();
        assertThat(ca.licenses()).containsExactly("MPL-2.0 AND MIT");
    }

    @Test
    void javaArchivesFromMavenCentralAlsoNestedInAWar() throws Exception {
        byte[] log4j = Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar"));
        byte[] jackson = Files.readAllBytes(fixtureJar("jackson-databind-2.9.10.jar"));
        byte[] war = zip(
                "WEB-INF/web.xml", "<web-app/>",
                "WEB-INF/lib/log4j-core-2.14.1.jar", log4j,
                "WEB-INF/lib/jackson-databind-2.9.10.jar", jackson);
        byte[] ear = zip("META-INF/application.xml", "<application/>", "shop.war", war);
        ImageCatalogue c = catalogue(LayerFixture.gzip("java")
                .file("opt/app/lib/log4j-core-2.14.1.jar", log4j)
                .file("srv/shop.ear", ear));

        List<ImageCatalogue.Named> named = c.named();
        ImageCatalogue.Named core = named.stream()
                .filter(n -> n.purl().canonicalize().equals("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"))
                .findFirst()
                .orElseThrow();
        assertThat(core.locations())
                .containsExactly(
                        "opt/app/lib/log4j-core-2.14.1.jar",
                        "srv/shop.ear!/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar");
        assertThat(purls(c)).contains("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10");
        assertThat(c.notes()).isEmpty();
    }

    @Test
    void jarWithoutPomPropertiesIsNamedFromItsManifestAndFileName() throws Exception {
        byte[] jar = zip(
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nImplementation-Title: Widgets\r\nImplementation-Version: 3.1.4\r\n"
                        + "Implementation-Vendor-Id: com.example\r\n\r\n",
                "com/example/Widget.class",
                "x");
        ImageCatalogue c = catalogue(LayerFixture.plain("jar").file("app/widgets-3.1.4.jar", jar));
        assertThat(purls(c)).containsExactly("pkg:maven/com.example/widgets@3.1.4");
    }

    @Test
    void npmLockfileWrittenByNpm() throws Exception {
        // npm install --package-lock-only lodash@4.17.20 minimist@1.2.5 @types/node@20.11.0 express@4.17.1
        ImageCatalogue c = catalogue(LayerFixture.gzip("npm")
                .file("usr/src/app/package.json", "{\"name\":\"berth-scan-fixture\",\"version\":\"1.0.0\"}")
                .file("usr/src/app/package-lock.json", resource("npm-package-lock.json")));
        assertThat(c.packages()).hasSize(54);
        assertThat(purls(c))
                .contains(
                        "pkg:npm/lodash@4.17.20",
                        "pkg:npm/minimist@1.2.5",
                        "pkg:npm/express@4.17.1",
                        "pkg:npm/%40types/node@20.11.0")
                .noneMatch(p -> p.contains("berth-scan-fixture"));
    }

    @Test
    void installedNodeModulesPackageJson() throws Exception {
        ImageCatalogue c = catalogue(LayerFixture.gzip("node")
                .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}")
                .file("app/node_modules/@types/node/package.json", "{\"name\":\"@types/node\",\"version\":\"20.11.0\"}")
                .file("app/node_modules/lodash/fp/package.json", "{\"main\":\"../fp.js\"}")
                .file("app/package.json", "{\"name\":\"app\",\"version\":\"1.0.0\"}"));
        assertThat(purls(c)).containsExactlyInAnyOrder("pkg:npm/lodash@4.17.20", "pkg:npm/%40types/node@20.11.0");
    }

    @Test
    void pythonDistributionsInstalledOnThisMachine() throws Exception {
        Path site = Path.of("/usr/lib/python3/dist-packages");
        assumeTrue(Files.isDirectory(site), "Debian's python3");
        LayerFixture layer = LayerFixture.gzip("python");
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(site)) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().endsWith(".dist-info"))
                    .toList()) {
                Path metadata = d.resolve("METADATA");
                if (Files.isRegularFile(metadata)) {
                    layer.file("usr/lib/python3/dist-packages/" + d.getFileName() + "/METADATA", metadata);
                    names.add(d.getFileName().toString());
                }
            }
        }
        assumeTrue(!names.isEmpty(), "a dist-info distribution installed");
        ImageCatalogue c = catalogue(layer);
        assertThat(c.packages()).hasSize(names.size());
        for (CataloguedPackage p : c.packages()) {
            assertThat(p.ecosystem()).isEqualTo(Ecosystem.PYPI);
            assertThat(p.name()).matches("[a-z0-9-]+");
        }
        if (names.contains("PyYAML-6.0.dist-info")) {
            assertThat(purls(c)).contains("pkg:pypi/pyyaml@6.0");
        }
    }

    @Test
    void goBinaryOfThisMachineNamesTheGoReleaseDebianBuiltItWith() throws Exception {
        Path skopeo = Path.of("/usr/bin/skopeo");
        assumeTrue(Files.isRegularFile(skopeo), "Debian's skopeo, a Go program");
        // Debian records the Go release a binary package was built with in Built-Using.
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Built-Using}", "skopeo")
                .redirectErrorStream(true)
                .start();
        String builtUsing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("golang-1\\.\\d+ \\(= (\\d+\\.\\d+(\\.\\d+)?)")
                .matcher(builtUsing);
        assumeTrue(m.find(), "skopeo built with a Debian golang package");

        ImageCatalogue c = catalogue(LayerFixture.gzip("go").executable("usr/bin/skopeo", skopeo));
        // Debian builds Go programs in GOPATH mode: the build info names no modules, only the toolchain.
        assertThat(purls(c)).contains("pkg:golang/stdlib@go" + m.group(1));
    }

    @Test
    void goModuleBuildInfoAsTheLinkerWritesIt() throws Exception {
        // The layout of Go 1.18+'s .go.buildinfo section: magic, pointer size, flags (2: inline
        // strings), padding to 32 bytes, then the Go version and the module information as
        // uvarint-prefixed strings, the latter between two 16-byte sentinels.
        String modinfo = "0123456789abcdef"
                + "path\texample.com/tool\n"
                + "mod\texample.com/tool\tv1.2.3\th1:abc=\n"
                + "dep\tgolang.org/x/net\tv0.7.0\th1:def=\n"
                + "dep\tgithub.com/old/mod\tv1.0.0\th1:ghi=\n"
                + "=>\tgithub.com/new/mod\tv1.1.0\th1:jkl=\n"
                + "fedcba9876543210";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {0x7f, 'E', 'L', 'F'});
        b.write(new byte[4096 - 4]); // the rest of the binary before the section, 16-aligned
        b.write("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
        b.write(8);
        b.write(2);
        b.write(new byte[16]);
        for (String s : List.of("go1.21.5", modinfo)) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = bytes.length;
            while (n >= 0x80) {
                b.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            b.write(n);
            b.write(bytes);
        }
        b.write(new byte[2000]);
        ImageCatalogue c = catalogue(LayerFixture.plain("gomod").file("usr/local/bin/tool", b.toByteArray(), 0755));
        assertThat(purls(c))
                .containsExactlyInAnyOrder(
                        "pkg:golang/stdlib@go1.21.5",
                        "pkg:golang/example.com/tool@v1.2.3",
                        "pkg:golang/golang.org/x/net@v0.7.0",
                        "pkg:golang/github.com/new/mod@v1.1.0");
    }

    @Test
    void cargoAndBundlerLockfiles() throws Exception {
        String cargo = """
                # This file is automatically @generated by Cargo.
                version = 3

                [[package]]
                name = "libc"
                version = "0.2.150"
                source = "registry+https://github.com/rust-lang/crates.io-index"
                checksum = "89d92a4743f9a61002fae18374ed11e7973f530cb3a3255fb354818118b2203c"

                [[package]]
                name = "smallvec"
                version = "1.6.0"
                source = "registry+https://github.com/rust-lang/crates.io-index"
                """;
        String gemfile = """
                GEM
                  remote: https://rubygems.org/
                  specs:
                    nokogiri (1.13.9-x86_64-linux)
                      racc (~> 1.4)
                    racc (1.6.0)
                    rack (2.2.3)

                PLATFORMS
                  x86_64-linux

                DEPENDENCIES
                  nokogiri
                  rack

                BUNDLED WITH
                   2.3.7
                """;
        ImageCatalogue c = catalogue(
                LayerFixture.plain("lock").file("src/tool/Cargo.lock", cargo).file("app/Gemfile.lock", gemfile));
        assertThat(purls(c))
                .containsExactlyInAnyOrder(
                        "pkg:cargo/libc@0.2.150",
                        "pkg:cargo/smallvec@1.6.0",
                        "pkg:gem/nokogiri@1.13.9",
                        "pkg:gem/racc@1.6.0",
                        "pkg:gem/rack@2.2.3");
    }

    @Test
    void whiteoutsOpaqueDirectoriesAndReplacedFilesHideLowerLayers() throws Exception {
        byte[] log4j = Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar"));
        LayerFixture base = LayerFixture.gzip("base")
                .file("etc/os-release", resource("alpine-3.14-os-release"))
                .file("lib/apk/db/installed", resource("alpine-3.14-apk-installed"))
                .file("opt/app/lib/log4j-core-2.14.1.jar", log4j)
                .file("opt/old/log4j-core-2.14.1.jar", log4j)
                .file("srv/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}")
                .file("usr/src/app/package-lock.json", resource("npm-package-lock.json"));
        LayerFixture top = LayerFixture.plain("top")
                // apk database deleted: the whole OS catalogue goes
                .file("lib/apk/db/.wh.installed", new byte[0])
                // opaque: lib's old content hidden, but this layer's own file stays
                .file("opt/app/lib/.wh..wh..opq", new byte[0])
                .file(
                        "opt/app/lib/app.jar",
                        zip(
                                "META-INF/maven/com.example/app/pom.properties",
                                "groupId=com.example\nartifactId=app\nversion=1.0\n"))
                // a directory deleted
                .file("opt/.wh.old", new byte[0])
                // a file replaced by a newer version
                .file("srv/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.21\"}")
                // a file replaced by a symlink
                .symlink("usr/src/app/package-lock.json", "/dev/null");
        ImageCatalogue c = catalogue(base, top);
        assertThat(purls(c)).containsExactlyInAnyOrder("pkg:maven/com.example/app@1.0", "pkg:npm/lodash@4.17.21");
        assertThat(c.distro().orElseThrow().id()).isEqualTo("alpine");

        // The same layers without the top one: everything the top layer hid is there.
        assertThat(purls(catalogue(base)))
                .contains(
                        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                        "pkg:npm/lodash@4.17.20",
                        "pkg:apk/alpine/musl@1.2.2-r3?arch=armv7&distro=alpine-3.14.0");
    }

    @Test
    void oversizedAndBrokenFilesAreSkippedWithANote() throws Exception {
        ImageCatalogue c = catalogue(LayerFixture.plain("bad")
                .file("app/package-lock.json", "{ not json")
                .file("app/broken.jar", "not a zip at all")
                .file("var/lib/dpkg/status", "Package: ok\nStatus: install ok installed\nVersion: 1.0\n"));
        assertThat(purls(c)).containsExactly("pkg:deb/debian/ok@1.0");
        assertThat(c.notes()).anyMatch(n -> n.startsWith("app/package-lock.json: not read"));
    }

    @Test
    void cappedInputRefusesWhatIsLargerThanItsLimit() throws Exception {
        byte[] ten = new byte[10];
        try (InputStream in = new CappedInput(new java.io.ByteArrayInputStream(ten), 10)) {
            assertThat(in.readAllBytes()).hasSize(10);
        }
        InputStream over = new CappedInput(new java.io.ByteArrayInputStream(new byte[11]), 10);
        org.assertj.core.api.Assertions.assertThatThrownBy(over::readAllBytes).isInstanceOf(CappedInput.TooLarge.class);
    }

    @Test
    void zstdLayersCompressedByTheZstdToolAreCatalogued() throws Exception {
        // A tar compressed by Debian's zstd, as podman and buildah write tar+zstd layers.
        Path tar = Files.createTempFile("layer", ".tar");
        Path zst = Path.of(tar + ".zst");
        try {
            Files.write(
                    tar,
                    LayerFixture.plain("alpine")
                            .file("etc/os-release", resource("alpine-3.14-os-release"))
                            .file("lib/apk/db/installed", resource("alpine-3.14-apk-installed"))
                            .bytes());
            Process p = new ProcessBuilder("zstd", "-q", "-19", "-f", tar.toString(), "-o", zst.toString())
                    .redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor())
                    .as(new String(p.getInputStream().readAllBytes()))
                    .isZero();
            byte[] compressed = Files.readAllBytes(zst);
            ImageCatalogue c = catalogue(layer("sha256:zstd", compressed));
            assertThat(c.notes()).isEmpty();
            assertThat(c.packages()).hasSize(26);
            assertThat(purls(c)).contains("pkg:apk/alpine/musl@1.2.2-r3?arch=armv7&distro=alpine-3.14.0");

        } finally {
            Files.deleteIfExists(tar);
            Files.deleteIfExists(zst);
        }
    }

    private static Cataloguer.Layer layer(String digest, byte[] bytes) {
        return new Cataloguer.Layer() {
            @Override
            public String digest() {
                return digest;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(bytes);
            }
        };
    }
}
