package dev.berth.registry.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs skopeo, podman and buildah with everything they keep isolated under one work directory:
 * image storage (vfs), run state, temporary files, registries configuration and trust policy. The
 * only shared state left is containers/image's blob-info cache under /var/lib/containers/cache,
 * which none of these tools can relocate by flag; tests use random content so it never matches.
 */
public final class ContainerTools {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path work;
    private final Path tmp;
    private final Path policy;
    private final Path registriesConf;
    private final Path authFile;

    public ContainerTools(Path work) {
        this.work = work;
        this.tmp = work.resolve("tmp");
        this.policy = work.resolve("policy.json");
        this.registriesConf = work.resolve("registries.conf");
        this.authFile = work.resolve("auth.json");
        try {
            Files.createDirectories(tmp);
            Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
            Files.writeString(registriesConf, "unqualified-search-registries = []\n");
            Files.writeString(authFile, "{\"auths\":{}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores credentials for a registry in this work directory's auth file, as a login would. */
    void credentials(String hostPort, String username, String password) {
        String auth = java.util.Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        write(
                authFile,
                ("{\"auths\":{\"" + hostPort + "\":{\"auth\":\"" + auth + "\"}}}").getBytes(StandardCharsets.UTF_8));
    }

    /** The registries.conf the tools read (mirror entries, search registries). */
    public Path registriesConf() {
        return registriesConf;
    }

    Path authFile() {
        return authFile;
    }

    /** File content no registry or cache has seen: each test's layers are new wherever they go. */
    public static byte[] marker() {
        return ("m-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }

    /** True when the tool is an executable on the PATH. */
    public static boolean installed(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exit + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return this;
        }

        /** The last non-empty line of stdout, e.g. the image id {@code podman pull -q} prints. */
        public String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    public Result skopeo(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** podman with its own storage: {@code store} names one of several independent image stores. */
    public Result podman(String store, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "podman",
                "--root",
                work.resolve(store + "/root").toString(),
                "--runroot",
                work.resolve(store + "/runroot").toString(),
                "--tmpdir",
                work.resolve(store + "/libpod-tmp").toString(),
                "--storage-driver",
                "vfs",
                "--events-backend",
                "none",
                "--cgroup-manager",
                "cgroupfs"));
        command.addAll(List.of(args));
        return run(command);
    }

    Result buildah(String... args) {
        List<String> command = new ArrayList<>(List.of(
                "buildah",
                "--root",
                work.resolve("buildah/root").toString(),
                "--runroot",
                work.resolve("buildah/runroot").toString(),
                "--storage-driver",
                "vfs"));
        command.addAll(List.of(args));
        return run(command);
    }

    /**
     * Builds a single-layer image from scratch with buildah and commits it to buildah's storage as
     * {@code localName}.
     */
    void buildLocalImage(String localName, String arch, Map<String, byte[]> files) {
        String container = buildah("from", "scratch").ok().lastLine();
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path source = tmp.resolve("content-" + System.nanoTime());
                write(source, file.getValue());
                buildah("copy", container, source.toString(), "/" + file.getKey())
                        .ok();
            }
            buildah("config", "--arch", arch, "--os", "linux", container).ok();
            buildah("commit", "-q", container, localName).ok();
        } finally {
            buildah("rm", container);
        }
    }

    /**
     * An OCI image layout at {@code work/<name>} (tag {@code latest}) of a single-layer image,
     * with its layer compressed as {@code compression} (gzip or zstd) so that registries and
     * clients keep its digests as they are.
     */
    public OciLayout buildLayout(String name, String arch, Map<String, byte[]> files, String compression) {
        String local = "localhost/" + name + "-" + System.nanoTime() + ":latest";
        buildLocalImage(local, arch, files);
        Path uncompressed = work.resolve(name + "-uncompressed");
        buildah("push", "-q", local, "oci:" + uncompressed + ":latest").ok();
        Path layout = work.resolve(name);
        skopeo(
                        "copy",
                        "-q",
                        "--dest-compress",
                        "--dest-compress-format",
                        compression,
                        "oci:" + uncompressed + ":latest",
                        "oci:" + layout + ":latest")
                .ok();
        return new OciLayout(layout);
    }

    public Path path(String name) {
        return work.resolve(name);
    }

    private Result run(List<String> command) {
        try {
            Path out = Files.createTempFile(tmp, "out-", ".txt");
            Path err = Files.createTempFile(tmp, "err-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("TMPDIR", tmp.toString());
            pb.environment().put("REGISTRIES_CONFIG_PATH", registriesConf.toString());
            pb.environment().put("REGISTRY_AUTH_FILE", authFile.toString());
            Process process = pb.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(
                    command,
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path path, byte[] bytes) {
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
