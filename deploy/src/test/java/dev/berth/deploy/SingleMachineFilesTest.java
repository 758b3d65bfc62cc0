package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.map;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-machine files: deploy/compose/compose.yaml (parsed, and its parts checked against
 * each other and against the image; {@link ComposeIT} starts it with podman-compose) and
 * deploy/systemd/berth.service with berth.env (checked by {@code systemd-analyze verify} and
 * {@code security --offline} when systemd is installed, and against each other).
 */
class SingleMachineFilesTest {
    private static final Path DEPLOY = Path.of(System.getProperty("berth.deploy.dir", "."));
    private static final Path SERVER_SOURCES = DEPLOY.resolveSibling("berth-server/src/main/java");

    @TempDir
    Path tmp;

    @Test
    void composeWiresBerthToItsPostgresWithVolumesHealthChecksAndNoPrivileges() throws IOException {
        Map<String, Object> compose = YamlPaths.documents(Files.readString(DEPLOY.resolve("compose/compose.yaml")))
                .getFirst();
        assertThat(map(compose, "services")).containsOnlyKeys("berth", "postgres");
        Map<String, Object> berth = map(compose, "services.berth");
        Map<String, Object> postgres = map(compose, "services.postgres");

        // the database Berth is given is the one the postgres service creates
        Map<String, Object> env = map(berth, "environment");
        Map<String, Object> pgEnv = map(postgres, "environment");
        Matcher jdbc = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)")
                .matcher(env.get("SPRING_DATASOURCE_URL").toString());
        assertThat(jdbc.matches()).isTrue();
        assertThat(map(compose, "services")).containsKey(jdbc.group(1));
        assertEquals("5432", jdbc.group(2));
        assertEquals(pgEnv.get("POSTGRES_DB"), jdbc.group(3));
        assertEquals(pgEnv.get("POSTGRES_USER"), env.get("SPRING_DATASOURCE_USERNAME"));
        assertEquals(variable(pgEnv.get("POSTGRES_PASSWORD")), variable(env.get("SPRING_DATASOURCE_PASSWORD")));
        assertThat(pgEnv.get("POSTGRES_PASSWORD").toString()).contains(":?"); // no default password
        assertThat(env.get("BERTH_ADMIN_PASSWORD").toString()).contains(":?");
        assertEquals("service_healthy", string(berth, "depends_on.postgres.condition"));

        // volumes: declared, and mounted where each program keeps its data
        Map<String, Object> volumes = map(compose, "volumes");
        assertEquals("/data", env.get("BERTH_DATA_DIR"));
        assertThat(mountsOf(berth)).containsEntry("data", "/data");
        assertThat(mountsOf(postgres)).containsEntry("database", "/var/lib/postgresql/data");
        assertThat(volumes).containsKeys("data", "database");

        // as the image and the Helm chart run it
        assertEquals("10000:10000", berth.get("user"));
        assertEquals(true, berth.get("read_only"));
        assertThat(list(berth, "tmpfs").toString()).contains("/tmp");
        assertEquals(List.of("ALL"), at(berth, "cap_drop"));
        assertThat(berth.get("ports").toString()).contains(":8080");

        // health checks name programs that exist where they run
        List<?> check = (List<?>) at(berth, "healthcheck.test");
        assertEquals("CMD", check.getFirst());
        assertEquals("java", check.get(1));
        String mainClass = check.stream()
                .map(Object::toString)
                .filter(a -> a.startsWith("dev.berth."))
                .findFirst()
                .orElseThrow();
        assertThat(SERVER_SOURCES.resolve(mainClass.replace('.', '/') + ".java"))
                .exists();
        assertThat(check.getLast().toString()).isEqualTo("http://127.0.0.1:8080/api/v2.0/ping");
        assertThat(at(postgres, "healthcheck.test").toString()).contains("pg_isready");

        // every variable the file needs is in the example .env
        String example = Files.readString(DEPLOY.resolve("compose/.env.example"));
        Matcher required =
                Pattern.compile("\\$\\{(\\w+):\\?").matcher(Files.readString(DEPLOY.resolve("compose/compose.yaml")));
        while (required.find()) {
            assertThat(example).contains(required.group(1) + "=");
        }
    }

    @Test
    void systemdUnitRunsAsBerthWithItsEnvironmentFileAndWritesOnlyTheDataDirectory() throws Exception {
        Map<String, List<String>> unit = unit(DEPLOY.resolve("systemd/berth.service"));
        assertEquals(List.of("berth"), unit.get("User"));
        assertEquals(List.of("/etc/berth/berth.env"), unit.get("EnvironmentFile"));
        assertEquals(List.of("strict"), unit.get("ProtectSystem"));
        assertEquals(List.of("yes"), unit.get("NoNewPrivileges"));
        assertEquals(List.of("yes"), unit.get("PrivateTmp"));
        assertEquals(List.of(""), unit.get("CapabilityBoundingSet"));
        assertThat(unit.get("ExecStart").getFirst()).contains("-jar /opt/berth/berth.jar");
        assertThat(unit).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT needs W^X off

        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("systemd/berth.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] kv = line.split("=", 2);
                env.put(kv[0], kv[1]);
            }
        }
        String dataDir = env.get("BERTH_DATA_DIR");
        assertEquals("/var/lib/berth", dataDir);
        assertEquals(List.of(dataDir), unit.get("ReadWritePaths"));
        assertEquals(List.of("/var/lib/" + unit.get("StateDirectory").getFirst()), unit.get("ReadWritePaths"));
        assertThat(env).containsKeys("BERTH_EXTERNAL_URL", "BERTH_ADMIN_PASSWORD");
    }

    @Test
    void systemdAcceptsTheUnitAndRatesItsExposureOk() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        // verify checks that the program exists: point it at this test's java
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path copy = tmp.resolve("berth.service");
        Files.writeString(
                copy,
                Files.readString(DEPLOY.resolve("systemd/berth.service")).replace("/opt/berth/java/bin/java", java));

        Run verify = run("systemd-analyze", "verify", copy.toString());
        assertEquals(0, verify.exit(), verify.output());
        assertThat(verify.output()).as("systemd's complaints").isBlank();

        Run security = run("systemd-analyze", "security", "--offline=true", copy.toString());
        Matcher level = Pattern.compile("Overall exposure level for berth.service: (\\d+\\.\\d+)")
                .matcher(security.output());
        assertThat(level.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as(security.output()).isLessThan(4.0);
    }

    record Run(int exit, String output) {}

    private Run run(String... command) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** "${NAME:?message}" → NAME */
    private static String variable(Object value) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)").matcher(value.toString());
        assertThat(m.find()).as(value.toString()).isTrue();
        return m.group(1);
    }

    private static Map<String, String> mountsOf(Map<String, Object> service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : (List<?>) service.get("volumes")) {
            String[] parts = volume.toString().split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    /** The unit's settings: key → values in order (keys may repeat); comments and sections dropped. */
    private static Map<String, List<String>> unit(Path file) throws IOException {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("[")) {
                continue;
            }
            String[] kv = trimmed.split("=", 2);
            settings.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
        }
        return settings;
    }
}
