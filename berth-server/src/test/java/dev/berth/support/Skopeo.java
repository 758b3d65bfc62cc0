package dev.berth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** skopeo with its policy, registries configuration and temporary files under the test's directory. */
public final class Skopeo {
    private Skopeo() {}

    public record Result(List<String> command, int exit, String out, String err) {
        public Result ok() {
            assertThat(exit).as(String.join(" ", command) + "\n" + err).isZero();
            return this;
        }
    }

    public static Result run(Path work, String... args) throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(work.resolve("skopeo-tmp"));
        Path policy = work.resolve("policy.json");
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        Path registries = work.resolve("registries.conf");
        Files.writeString(registries, "unqualified-search-registries = []\n");
        Path auth = work.resolve("auth.json");
        if (!Files.exists(auth)) {
            Files.writeString(auth, "{\"auths\":{}}");
        }
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out-", ".txt");
        Path err = Files.createTempFile(tmp, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("REGISTRIES_CONFIG_PATH", registries.toString());
        pb.environment().put("REGISTRY_AUTH_FILE", auth.toString());
        Process process = pb.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("skopeo did not finish");
        }
        return new Result(
                command,
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A valid gzip-compressed tar archive with no entries, made unique so no cache matches it. */
    public static byte[] emptyLayer() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(new byte[1024]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // gzip's header has a modification time field; vary it so each layer is new to every cache.
        byte[] bytes = out.toByteArray();
        long now = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            bytes[4 + i] = (byte) (now >>> (8 * i));
        }
        return bytes;
    }
}
