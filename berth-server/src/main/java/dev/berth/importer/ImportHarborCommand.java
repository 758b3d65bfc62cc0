package dev.berth.importer;

import dev.berth.backup.BackupCommand;
import dev.berth.iam.UserRecords;
import dev.berth.preheat.PreheatImport;
import dev.berth.registry.BlobUploadService;
import dev.berth.registry.ManifestService;
import dev.berth.remote.RemoteRegistries;
import dev.berth.replication.ReplicationImport;
import dev.berth.retention.RetentionImport;
import dev.berth.robot.RobotImport;
import dev.berth.scan.ScannerImport;
import dev.berth.webhook.WebhookPolicyImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code java -jar berth.jar import-harbor --harbor-db <jdbc-url> --harbor-storage <dir> [--dry-run]}:
 * imports a Harbor 2.x instance into the Berth that the usual configuration selects (database, blob
 * store). The Harbor database is opened read-only; its password comes from {@code --harbor-db-password}
 * or the environment variable {@code HARBOR_DB_PASSWORD}, and is never printed.
 */
public final class ImportHarborCommand {
    private static final Set<String> VALUED = Set.of(
            "harbor-db",
            "harbor-db-user",
            "harbor-db-password",
            "harbor-storage",
            "limit-artifacts",
            "robot-secrets",
            "harbor-secret-key-file");

    private ImportHarborCommand() {}

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals("import-harbor");
    }

    /** Runs the import; the process's exit status (0 done, 1 failed, 2 usage). */
    public static int run(String[] args, Class<?> application) {
        Map<String, String> options = new HashMap<>();
        List<String> springArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : a;
            if (VALUED.contains(name)) {
                options.put(name, a.contains("=") ? a.split("=", 2)[1] : i + 1 < args.length ? args[++i] : "");
            } else if (name.equals("dry-run")) {
                options.put(name, "true");
            } else {
                springArgs.add(a);
            }
        }
        if (options.getOrDefault("harbor-db", "").isBlank()
                || options.getOrDefault("harbor-storage", "").isBlank()) {
            System.err.println("""
                    usage: java -jar berth.jar import-harbor --harbor-db jdbc:postgresql://host:5432/registry \\
                               [--harbor-db-user harbor] --harbor-storage /path/to/registry/storage \\
                               [--dry-run] [--limit-artifacts N] [--robot-secrets FILE] \\
                               [--harbor-secret-key-file FILE (Harbor's secretkey: endpoint credentials)] \\
                               [Berth's own --name=value settings]
                           the Harbor database password: --harbor-db-password or HARBOR_DB_PASSWORD""");
            return 2;
        }
        long limit;
        try {
            limit = Long.parseLong(options.getOrDefault("limit-artifacts", "-1"));
        } catch (NumberFormatException e) {
            System.err.println("--limit-artifacts takes a number");
            return 2;
        }
        boolean dryRun = options.containsKey("dry-run");
        String password = options.getOrDefault("harbor-db-password", System.getenv("HARBOR_DB_PASSWORD"));
        ImportReport report = new ImportReport(dryRun);
        HarborSecrets secrets;
        try {
            String keyFile = options.getOrDefault("harbor-secret-key-file", "");
            secrets = new HarborSecrets(
                    keyFile.isBlank()
                            ? Optional.ofNullable(System.getenv("HARBOR_SECRET_KEY"))
                            : Optional.of(Files.readString(Path.of(keyFile), StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("--harbor-secret-key-file: " + e.getMessage());
            return 2;
        }
        try (HarborDatabase harbor =
                        HarborDatabase.open(options.get("harbor-db"), options.get("harbor-db-user"), password);
                ConfigurableApplicationContext context = BackupCommand.startWithoutServer(
                        application, springArgs, dryRunOverrides(dryRun), true, "dev.berth.importer")) {
            DistributionStorage storage = DistributionStorage.at(Path.of(options.get("harbor-storage")));
            new HarborImport(
                            harbor,
                            storage,
                            context.getBean(JdbcClient.class),
                            context.getBean(UserRecords.class),
                            context.getBean(ManifestService.class),
                            context.getBean(BlobUploadService.class),
                            context.getBean(WebhookPolicyImport.class),
                            context.getBean(RobotImport.class),
                            context.getBean(RemoteRegistries.class),
                            context.getBean(ScannerImport.class),
                            context.getBean(RetentionImport.class),
                            context.getBean(ReplicationImport.class),
                            context.getBean(PreheatImport.class),
                            secrets,
                            Path.of(options.getOrDefault("robot-secrets", "harbor-robot-secrets.txt")),
                            report,
                            limit)
                    .run();
            System.out.print(report.summary());
            return 0;
        } catch (Exception e) {
            System.out.print(report.summary());
            System.err.println("berth import-harbor failed: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, Object> dryRunOverrides(boolean dryRun) {
        Map<String, Object> overrides = new HashMap<>();
        if (dryRun) {
            // A dry run reads Berth's database as it is, and never migrates it.
            overrides.put("spring.flyway.enabled", "false");
        }
        return overrides;
    }
}
