package dev.berth.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The image of the previous release, for {@link UpgradeIT}: built from the commit named in
 * {@code upgrade/previous-release.properties} out of this clone's history (no binary is kept in the
 * repository and no registry is needed). The commit's tree is taken with {@code git archive} and
 * built as {@code -Pimage} builds this one, by its own Maven wrapper and poms, offline when this
 * build is. Two things are taken from this build to keep it short: the portal's compiled files (the
 * portal is static files served as they are; building it would need npm's packages of that day)
 * and the image base, which the old build reuses only if its own base script would make the same
 * one. The image is built once per podman storage and commit ({@code localhost/berth:previous-…}).
 *
 * <p>When a release is made, {@code commit} moves to it; {@code refusesNewerSchema} says whether
 * that release has the schema guard (a rollback to it after the next upgrade is then refused).
 */
record PreviousRelease(String commit, boolean refusesNewerSchema, String image, Duration buildTime) {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    static PreviousRelease image(Workloads w, Path work) throws Exception {
        Properties release = new Properties();
        try (InputStream in = PreviousRelease.class.getResourceAsStream("/upgrade/previous-release.properties")) {
            assertThat(in).as("upgrade/previous-release.properties").isNotNull();
            release.load(in);
        }
        String commit = release.getProperty("commit").strip();
        boolean refuses = Boolean.parseBoolean(release.getProperty("refusesNewerSchema", "false"));
        String image = "localhost/berth:previous-" + commit.substring(0, 12);
        if (w.podman.run("image", "exists", image).exit() == 0) {
            return new PreviousRelease(commit, refuses, image, Duration.ZERO);
        }
        Instant started = Instant.now();
        Path repo = Path.of(System.getProperty("berth.repo.dir", ".."))
                .toAbsolutePath()
                .normalize();
        Path out = repo.resolve("target/previous-release/" + commit.substring(0, 12));
        Path tar = out.resolve("berth-image.tar");
        if (!Files.exists(tar)) {
            build(repo, commit, out, tar);
        }
        w.podman.load(tar, image);
        return new PreviousRelease(commit, refuses, image, Duration.between(started, Instant.now()));
    }

    private static void build(Path repo, String commit, Path out, Path tar) throws Exception {
        Path log = out.resolve("build.log");
        Path src = out.resolve("src");
        deleteRecursively(src);
        Files.createDirectories(src);
        int present = run(repo, List.of("git", "cat-file", "-e", commit + "^{commit}"), log);
        assertThat(present)
                .as("the previous release's commit " + commit + " is not in this clone (a shallow clone?): run"
                        + " `git fetch --unshallow`, or move upgrade/previous-release.properties to a commit it has")
                .isZero();
        assertThat(run(
                        repo,
                        List.of("sh", "-c", "git archive --format=tar " + commit + " | tar -x -C '" + src + "'"),
                        log))
                .as("git archive of " + commit + " (see " + log + ")")
                .isZero();

        // the portal as this build compiled it (its npm steps below are `true`)
        Path portal = repo.resolve("portal/target/classes");
        if (Files.isDirectory(portal)) {
            copyTree(portal, src.resolve("portal/target/classes"));
        }
        Path base = repo.resolve("berth-server/target/image-base");
        for (String file : List.of("berth-base.tar", "berth-base.key")) {
            if (Files.exists(base.resolve(file))) {
                Files.createDirectories(src.resolve("berth-server/target/image-base"));
                Files.copy(base.resolve(file), src.resolve("berth-server/target/image-base/" + file));
            }
        }

        List<String> mvn = new ArrayList<>(List.of(
                src.resolve("mvnw").toString(),
                "-B",
                "-q",
                "package",
                "-Pimage",
                "-pl",
                "portal,berth-server",
                "-DskipTests",
                "-Dmaven.test.skip=true",
                "-Dnpm.executable=true",
                "-Dspotless.apply.skip=true",
                "-Dspotless.check.skip=true",
                "-Djib.to.image=berth:previous"));
        if (System.getProperty("berth.maven.offline", "").endsWith("=true")) {
            mvn.add("-o");
        }
        String localRepository = System.getProperty("berth.maven.repo.local", "");
        if (!localRepository.isBlank() && !localRepository.startsWith("$")) {
            mvn.add("-Dmaven.repo.local=" + localRepository);
        }
        int exit = run(src, mvn, log);
        Path built = src.resolve("berth-server/target/berth-image.tar");
        if (exit != 0 || !Files.exists(built)) {
            throw new AssertionError(
                    "building the previous release " + commit + " failed (exit " + exit + "):\n" + tail(log, 60));
        }
        Files.move(built, tar, StandardCopyOption.REPLACE_EXISTING);
        deleteRecursively(src);
    }

    private static int run(Path cwd, List<String> command, Path log) throws Exception {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the build of the old tree is its own: none of this Maven run's settings leak into it
        pb.environment().keySet().removeIf(k -> k.startsWith("MAVEN_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = pb.start();
        if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + BUILD_TIMEOUT);
        }
        return process.exitValue();
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
