package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.robot.RobotImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Harbor's robot accounts with their permissions, each with a new secret: Harbor keeps only a
 * salted hash of a robot's secret. New secrets go to the secrets file (owner-only), never to the log.
 */
final class RobotAccountImport {
    private static final Logger log = LoggerFactory.getLogger(RobotAccountImport.class);

    private final HarborDatabase harbor;
    private final RobotImport robots;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;
    private final Map<Long, String> projectNames;
    private final Path secretsFile;

    RobotAccountImport(ImportContext context, RobotImport robots, Path secretsFile) {
        this.harbor = context.harbor();
        this.robots = robots;
        this.report = context.report();
        this.projectIds = context.projectIds();
        this.projectNames = context.projectNames();
        this.secretsFile = secretsFile;
    }

    /**
     * Robot accounts with their permissions, each with a new secret: Harbor keeps only a salted
     * hash of a robot's secret. New secrets go to the secrets file (owner-only), never to the log.
     */
    void run() throws Exception {
        for (HarborDatabase.Robot r : harbor.robots()) {
            String raw = r.name().startsWith("robot$") ? r.name().substring("robot$".length()) : r.name();
            long project = 0;
            String scope = "system";
            if (r.projectId() != 0) {
                scope = "project " + projectNames.getOrDefault(r.projectId(), "#" + r.projectId());
                Long berthProject = projectIds.get(r.projectId());
                if (berthProject == null) {
                    report.count("robot accounts", Outcome.SKIPPED);
                    report.note("robot " + r.name() + " (" + scope + "): its project was not imported");
                    continue;
                }
                project = berthProject;
                raw = raw.substring(raw.indexOf('+') + 1); // Harbor stores "project+name"
            }
            String login = r.projectId() == 0 ? "robot$" + raw : "robot$" + projectNames.get(r.projectId()) + "+" + raw;
            List<RobotImport.Permission> permissions = new ArrayList<>();
            List<String> untranslatable = new ArrayList<>();
            for (HarborDatabase.RobotPermission p : r.permissions()) {
                if (!p.effect().isEmpty() && !p.effect().equals("allow")) {
                    untranslatable.add(p.scope() + " " + p.resource() + ":" + p.action() + " (" + p.effect() + ")");
                } else if (p.scope().equals("/system")) {
                    permissions.add(new RobotImport.Permission("system", 0, "/", p.resource(), p.action()));
                } else if (p.scope().equals("/project/*")) {
                    permissions.add(new RobotImport.Permission("project", 0, "*", p.resource(), p.action()));
                } else if (p.scope().startsWith("/project/")) {
                    Long harborProject = parseId(p.scope().substring("/project/".length()));
                    Long berthProject = harborProject == null ? null : projectIds.get(harborProject);
                    if (berthProject == null) {
                        untranslatable.add(
                                p.scope() + " " + p.resource() + ":" + p.action() + " (project not imported)");
                    } else {
                        permissions.add(new RobotImport.Permission(
                                "project", berthProject, projectNames.get(harborProject), p.resource(), p.action()));
                    }
                } else {
                    untranslatable.add(p.scope() + " " + p.resource() + ":" + p.action());
                }
            }
            if (report.dryRun()) {
                boolean present = project >= 0 && robots.existing(raw, project).isPresent();
                report.count("robot accounts", present ? Outcome.EXISTING : Outcome.IMPORTED);
                if (!present) {
                    report.note("robot " + login + " (" + scope + (r.disabled() ? ", disabled" : "")
                            + "): would be created with a new secret; Harbor's cannot be carried over");
                }
                continue;
            }
            RobotImport.Result result = robots.create(
                    raw, project, r.description(), r.disabled(), r.duration(), r.expiresAt(), permissions, "0");
            switch (result) {
                case RobotImport.Result.Existing e -> report.count("robot accounts", Outcome.EXISTING);
                case RobotImport.Result.Refused refused -> {
                    report.count("robot accounts", Outcome.SKIPPED);
                    report.note("robot " + login + " (" + scope + "): not imported, " + refused.reason());
                }
                case RobotImport.Result.Created created -> {
                    report.count("robot accounts", Outcome.IMPORTED);
                    // at once: a run that stops later must not leave a robot whose secret nobody has
                    writeSecret(login + " " + created.secret());
                    untranslatable.addAll(created.dropped());
                    report.note("robot " + login + " (" + scope + (r.disabled() ? ", disabled" : "")
                            + "): imported with its permissions and a NEW secret (in " + secretsFile
                            + "); Harbor's secret cannot be carried over: hand out the new one");
                }
            }
            if (!untranslatable.isEmpty()) {
                report.note("robot " + login + ": permissions Berth cannot grant a robot, left out: "
                        + String.join(", ", untranslatable));
            }
        }
    }

    /** Appends a new robot secret ("login secret") to a file only its owner reads. */
    private void writeSecret(String line) throws IOException {
        if (!Files.exists(secretsFile)) {
            Files.createFile(
                    secretsFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(secretsFile, List.of(line), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        log.info("event=import_robot_secret_written file={}", secretsFile);
    }

    private static Long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
