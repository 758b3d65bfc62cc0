package dev.berth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman, set up to run containers on machines whose sandbox forbids raising resource
 * limits (ours and CI's): a runc wrapper drops {@code rlimits} from each container's OCI config and
 * each exec's process file, and a containers.conf in this directory points podman at it. Images,
 * containers and volumes live under the directory (vfs storage), so nothing is shared with the
 * machine's podman or with other directories; its run state is under /tmp (podman refuses a run
 * root longer than 50 characters). Needs the {@code podman} and {@code runc} packages.
 */
public final class Podman {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final String RUNC_WRAPPER = """
            #!/bin/sh
            # runc without process.rlimits: from the bundle's config.json (create, run) and from
            # the process file of an exec (health checks, podman exec)
            bundle=; proc=; prev=
            for a in "$@"; do
              case "$prev" in --bundle|-b) bundle=$a ;; --process|-p) proc=$a ;; esac
              case "$a" in --bundle=*) bundle=${a#--bundle=} ;; --process=*) proc=${a#--process=} ;; esac
              prev=$a
            done
            drop() {
              python3 -c 'import json, sys
            p, nested = sys.argv[1], sys.argv[2] == "1"
            c = json.load(open(p))
            (c.get("process", {}) if nested else c).pop("rlimits", None)
            json.dump(c, open(p, "w"))' "$1" "$2"
            }
            if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then drop "$bundle/config.json" 1; fi
            if [ -n "$proc" ] && [ -f "$proc" ]; then drop "$proc" 0; fi
            exec RUNC "$@"
            """;

    private final Path dir;
    private final Path runRoot;
    private final Path conf;
    private final Path tmp;

    public Podman(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.tmp = this.dir.resolve("tmp");
        this.conf = this.dir.resolve("containers.conf");
        this.runRoot = Path.of("/tmp", "berth-podman-" + shortHash(this.dir.toString()));
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(runRoot);
            Path wrapper = this.dir.resolve("runc-without-rlimits");
            Files.writeString(wrapper, RUNC_WRAPPER.replace("RUNC", which("runc")));
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(
                    conf,
                    "[engine]\nruntime = \"runc\"\nevents_logger = \"file\"\ncgroup_manager = \"cgroupfs\"\n"
                            + "events_logfile_path = \"" + this.dir.resolve("events.log") + "\"\n"
                            + "[engine.runtimes]\nrunc = [\"" + wrapper + "\"]\n");
            Files.writeString(this.dir.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
            Files.writeString(this.dir.resolve("registries.conf"), "unqualified-search-registries = []\n");
            // podman with this set-up as one executable, for tools that call "podman" (podman-compose)
            Path script = this.dir.resolve("podman");
            Files.writeString(
                    script,
                    "#!/bin/sh\nexport CONTAINERS_CONF='" + conf + "' CONTAINERS_REGISTRIES_CONF='"
                            + this.dir.resolve("registries.conf") + "' TMPDIR='" + tmp + "'\nexec "
                            + String.join(" ", globalArgs()) + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when podman and runc are installed (the tests that need them say so when they are not). */
    public static boolean available() {
        return onPath("podman") && onPath("runc");
    }

    /** An executable that runs podman with this set-up (e.g. for {@code podman-compose --podman-path}). */
    public Path executable() {
        return dir.resolve("podman");
    }

    public Path dir() {
        return dir;
    }

    /**
     * Loads an OCI image archive as {@code name} unless that name already is this archive's image
     * (its id, the config's digest, is the same): one load serves every test class and module.
     */
    public void load(Path archive, String name) {
        String manifest = exec(
                        List.of(
                                "skopeo",
                                "--policy",
                                dir.resolve("policy.json").toString(),
                                "inspect",
                                "--raw",
                                "oci-archive:" + archive),
                        null)
                .ok()
                .stdout();
        java.util.regex.Matcher config = java.util.regex.Pattern.compile(
                        "\"config\"\\s*:\\s*\\{[^}]*\"digest\"\\s*:\\s*\"sha256:([0-9a-f]{64})\"")
                .matcher(manifest);
        if (!config.find()) {
            throw new AssertionError("no config digest in the manifest of " + archive + ": " + manifest);
        }
        Result present = run("image", "inspect", "--format", "{{.Id}}", name);
        if (present.exit() != 0 || !present.output().equals(config.group(1))) {
            run("load", "-q", "-i", archive.toString()).ok();
            // an oci-archive keeps the name it was built with; make sure it is the one asked for
            run("tag", config.group(1), name).ok();
        }
    }

    public Result run(String... args) {
        return run(List.of(args));
    }

    public Result run(List<String> args) {
        List<String> command = new ArrayList<>(globalArgs());
        command.addAll(args);
        return exec(command, null);
    }

    /** Runs another program (podman-compose) with this podman's environment, in {@code cwd}. */
    public Result runTool(Path cwd, List<String> command) {
        return exec(command, cwd);
    }

    /** Stops (SIGTERM, then SIGKILL after the grace period) and removes a container, if it exists. */
    public void remove(String container) {
        run("rm", "-f", "-v", "-t", "30", container);
    }

    private List<String> globalArgs() {
        return List.of(
                "podman",
                "--storage-driver",
                "vfs",
                "--root",
                dir.resolve("storage").toString(),
                "--runroot",
                runRoot.toString(),
                "--tmpdir",
                dir.resolve("libpod-tmp").toString());
    }

    private Result exec(List<String> command, Path cwd) {
        try {
            Path out = Files.createTempFile(tmp, "out-", ".txt");
            Path err = Files.createTempFile(tmp, "err-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            pb.environment().put("CONTAINERS_CONF", conf.toString());
            pb.environment()
                    .put(
                            "CONTAINERS_REGISTRIES_CONF",
                            dir.resolve("registries.conf").toString());
            pb.environment().put("TMPDIR", tmp.toString());
            Process process = pb.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            Result result = new Result(
                    command,
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exit + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return this;
        }

        public String output() {
            return stdout.strip();
        }
    }

    private static String which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new IllegalStateException(tool + " is missing: apt-get install -y " + tool);
    }

    private static boolean onPath(String tool) {
        try {
            which(tool);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static String shortHash(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
