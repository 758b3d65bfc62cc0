package dev.berth.backup;

import dev.berth.crypto.SecretBox;
import dev.berth.storage.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code java -jar berth.jar backup --to <dir>} and {@code restore --from <dir> [--force]}: Berth's
 * configuration (environment, {@code --name=value} arguments) selects the database and blob store as
 * for the server, which is not started: no web server, no job workers.
 *
 * <p>With the embedded PostgreSQL, a backup of a running Berth attaches to the PostgreSQL that Berth
 * runs under {@code <data-dir>/pg} (never starting a second one on the same files); a restore refuses
 * a data directory whose PostgreSQL is running.
 */
public final class BackupCommand {
    private BackupCommand() {}

    /** Whether {@code args} ask for one of these commands rather than the server. */
    public static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"));
    }

    /** Runs the command; the process's exit status. */
    public static int run(String[] args, Class<?> application) {
        String command = args[0];
        Map<String, String> options = new HashMap<>();
        List<String> springArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : a;
            if (name.equals("to") || name.equals("from")) {
                options.put(name, a.contains("=") ? a.split("=", 2)[1] : i + 1 < args.length ? args[++i] : "");
            } else if (name.equals("force")) {
                options.put("force", "true");
            } else {
                springArgs.add(a);
            }
        }
        String dirOption = command.equals("backup") ? "to" : "from";
        if (options.getOrDefault(dirOption, "").isBlank()) {
            System.err.println("usage: java -jar berth.jar backup --to <dir>\n"
                    + "       java -jar berth.jar restore --from <dir> [--force]");
            return 2;
        }
        Path dir = Path.of(options.get(dirOption)).toAbsolutePath();
        try {
            return command.equals("backup")
                    ? backup(dir, springArgs, application)
                    : restore(dir, options.containsKey("force"), springArgs, application);
        } catch (Exception e) {
            System.err.println("berth " + command + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static int backup(Path dir, List<String> springArgs, Class<?> application) throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        // The running server owns the schema; a backup never migrates it.
        overrides.put("spring.flyway.enabled", "false");
        try (ConfigurableApplicationContext context = start(application, springArgs, overrides, true)) {
            Backup backup = new Backup(
                    context.getBean(DataSource.class),
                    context.getBean(BlobStore.class),
                    context.getEnvironment().getProperty("berth.version", "unknown"),
                    Clock.systemUTC());
            // The key first: berth-backup.json, written last, marks a complete backup.
            context.getBean(SecretBox.class).exportTo(dir);
            BackupManifest m = backup.to(dir);
            System.out.println("backup complete: " + dir + " (schema " + m.schemaVersion() + ", "
                    + m.tables().size() + " tables, " + m.blobs() + " blobs, " + m.blobBytes() + " bytes)");
            return 0;
        }
    }

    private static int restore(Path dir, boolean force, List<String> springArgs, Class<?> application)
            throws Exception {
        BackupManifest manifest = BackupManifest.read(dir);
        Map<String, Object> overrides = new HashMap<>();
        // The fresh database is migrated to the backup's schema, loaded, then migrated to this version.
        overrides.put("spring.flyway.target", manifest.schemaVersion());
        try (ConfigurableApplicationContext context = start(application, springArgs, overrides, false)) {
            DataSource dataSource = context.getBean(DataSource.class);
            BlobStore store = context.getBean(BlobStore.class);
            new Restore(dataSource, store, store).from(dir, manifest, force);
            context.getBean(SecretBox.class).importFrom(dir);
            Flyway latest = Flyway.configure()
                    .configuration(context.getBean(Flyway.class).getConfiguration())
                    .target(MigrationVersion.LATEST)
                    .load();
            latest.migrate();
            System.out.println("restore complete from " + dir + " (taken " + manifest.createdAt() + ", "
                    + manifest.blobs() + " blobs); start Berth on this database and storage");
            return 0;
        }
    }

    private static ConfigurableApplicationContext start(
            Class<?> application, List<String> springArgs, Map<String, Object> overrides, boolean attach) {
        Map<String, Object> all = new HashMap<>(overrides);
        // A fresh database gets a bootstrap admin before the restore replaces every user: never print
        // a generated password for it.
        all.put("berth.admin-password", "Restore-" + UUID.randomUUID() + "-Aa1");
        return startWithoutServer(application, springArgs, all, attach, "dev.berth.backup");
    }

    /**
     * Starts Berth's context for a command: the configured database and blob store, no web server,
     * no job workers, no metrics port. With the embedded PostgreSQL, {@code attach} joins the one a
     * running Berth has under its data directory; otherwise a running one is refused.
     */
    public static ConfigurableApplicationContext startWithoutServer(
            Class<?> application,
            List<String> springArgs,
            Map<String, Object> overrides,
            boolean attach,
            String loggingPackage) {
        Map<String, Object> all = new HashMap<>(overrides);
        all.put("berth.jobs.enabled", "false");
        // The server may be running beside this command with its metrics port open.
        all.put("berth.metrics.enabled", "false");
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .bannerMode(org.springframework.boot.Banner.Mode.OFF)
                // Defaults, so that --logging.level.root=INFO on the command line still wins.
                .properties("logging.level.root=WARN", "logging.level." + loggingPackage + "=INFO")
                .initializers(context -> {
                    ConfigurableEnvironment env = context.getEnvironment();
                    Map<String, Object> source = new HashMap<>(all);
                    String url = env.getProperty("spring.datasource.url", "");
                    if (url.isBlank()) {
                        Path dataDir = Path.of(env.getProperty("berth.data-dir", "./data"));
                        Optional<Integer> port = runningEmbeddedPostgres(dataDir);
                        if (port.isPresent() && !attach) {
                            throw new IllegalStateException("the embedded PostgreSQL under " + dataDir
                                    + " is running: stop Berth before restoring into its data directory");
                        }
                        port.ifPresent(p -> {
                            source.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + p + "/postgres");
                            source.put("spring.datasource.username", "postgres");
                        });
                    }
                    env.getPropertySources().addFirst(new MapPropertySource("berth-command", source));
                })
                .run(springArgs.toArray(String[]::new));
    }

    /** The port of a live PostgreSQL running under {@code <data-dir>/pg}, from its pid file. */
    static Optional<Integer> runningEmbeddedPostgres(Path dataDir) {
        Path pidFile = dataDir.resolve("pg").resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.contains("postgres")).orElse(true))
                    .isPresent();
            return alive ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
