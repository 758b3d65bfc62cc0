package dev.berth.importer;

import dev.berth.iam.PasswordHasher;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.importer.ImportReport.Outcome;
import dev.berth.preheat.PreheatImport;
import dev.berth.project.ProjectService;
import dev.berth.registry.BlobUploadService;
import dev.berth.registry.Descriptor;
import dev.berth.registry.ManifestParser;
import dev.berth.registry.ManifestService;
import dev.berth.registry.ParsedManifest;
import dev.berth.registry.RegistryException;
import dev.berth.remote.RemoteRegistries;
import dev.berth.replication.ReplicationImport;
import dev.berth.retention.RetentionImport;
import dev.berth.robot.RobotImport;
import dev.berth.scan.ScannerImport;
import dev.berth.storage.Digest;
import dev.berth.webhook.WebhookPolicyImport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries a Harbor 2.x instance into Berth: its database read through {@link HarborDatabase}, its
 * bytes through {@link DistributionStorage}.
 *
 * <p>Idempotent and resumable without bookkeeping of its own: every item is matched by its natural
 * key in Berth (user and project names, group type and name, a repository's manifest digest), so a
 * second run finds everything present and changes nothing, and a run killed half-way continues
 * where the first stopped. Manifests go through {@link ManifestService#put} as a push does, after
 * every blob they reference is in the repository, each blob's digest verified by the upload path
 * while it is copied; an interrupted run leaves at most blobs without a manifest, which the next run
 * links (or garbage collection reclaims).
 *
 * <p>Metadata without a service of its own for bulk writes (members, labels, immutability rules,
 * quotas) is written with plain SQL in the tables the owning packages define, as the restore does.
 */
final class HarborImport {
    private static final Logger log = LoggerFactory.getLogger(HarborImport.class);
    /** Project metadata Berth understands and Harbor keeps per project. */
    private static final Set<String> METADATA = Set.of(
            "public",
            "auto_scan",
            "severity",
            "prevent_vul",
            "enable_content_trust",
            "enable_content_trust_cosign",
            "reuse_sys_cve_allowlist",
            "auto_sbom_generation");
    /** Mark stored for users whose Harbor password cannot be verified: matches no password. */
    static final String RESET_REQUIRED = "!reset-required-after-harbor-import";

    private final HarborDatabase harbor;
    private final DistributionStorage storage;
    private final JdbcClient jdbc;
    private final UserRecords users;
    private final ManifestService manifests;
    private final BlobUploadService uploads;
    private final ImportReport report;
    private final WebhookPolicyImport webhooks;
    private final RobotImport robots;
    private final RemoteRegistries remotes;
    private final ScannerImport scannerImport;
    private final RetentionImport retention;
    private final ReplicationImport replication;
    private final PreheatImport preheat;
    private final HarborSecrets harborSecrets;
    private final Path secretsFile;
    private final long artifactLimit;
    private final JsonMapper json = JsonMapper.builder().build();

    private final Map<Long, Long> userIds = new HashMap<>();
    private final Map<Long, Long> groupIds = new HashMap<>();
    private final Map<Long, Long> projectIds = new HashMap<>();
    private final Map<Long, String> projectNames = new HashMap<>();
    /** Harbor's registry endpoint ids to Berth's, once the endpoints are imported. */
    private Map<Long, Long> registryIds = Map.of();

    private final ImportContext context;
    private final Map<Long, Long> labelIds = new HashMap<>();
    /** Harbor artifact id to repository and digest, for label references. */
    private final Map<Long, String[]> artifactKeys = new HashMap<>();

    private final Set<Digest> plannedBlobs = new HashSet<>();
    private final Set<String> plannedManifests = new HashSet<>();
    private long artifactsImported;
    private long artifactsSeen;

    HarborImport(
            HarborDatabase harbor,
            DistributionStorage storage,
            JdbcClient jdbc,
            UserRecords users,
            ManifestService manifests,
            BlobUploadService uploads,
            WebhookPolicyImport webhooks,
            RobotImport robots,
            RemoteRegistries remotes,
            ScannerImport scannerImport,
            RetentionImport retention,
            ReplicationImport replication,
            PreheatImport preheat,
            HarborSecrets harborSecrets,
            Path secretsFile,
            ImportReport report,
            long artifactLimit) {
        this.harbor = harbor;
        this.storage = storage;
        this.jdbc = jdbc;
        this.users = users;
        this.manifests = manifests;
        this.uploads = uploads;
        this.webhooks = webhooks;
        this.robots = robots;
        this.remotes = remotes;
        this.scannerImport = scannerImport;
        this.retention = retention;
        this.replication = replication;
        this.preheat = preheat;
        this.harborSecrets = harborSecrets;
        this.secretsFile = secretsFile;
        this.report = report;
        this.artifactLimit = artifactLimit;
        this.context = new ImportContext(harbor, report, projectIds, projectNames);
    }

    private boolean dryRun() {
        return report.dryRun();
    }

    void run() throws Exception {
        log.info(
                "event=import_started harbor_schema={} dry_run={}",
                harbor.schemaVersion().orElse("unknown"),
                dryRun());
        users();
        groups();
        projects();
        members();
        labels();
        robotsAndTheRest();
        boolean complete = artifacts();
        labelReferences();
        if (complete) {
            // After the content: a limit or an immutable tag must not refuse what Harbor already holds.
            new QuotaImport(context, jdbc).run();
            new ImmutabilityRuleImport(context, jdbc).run();
            new WebhookImport(context, webhooks).run();
            new RetentionPolicyImport(context, retention).run();
            // Policies that act on pushes come after the content, as webhooks do.
            new ReplicationPolicyImport(context, replication, registryIds).run();
            new PreheatPolicyImport(context, preheat, harborSecrets).run();
        } else {
            report.incomplete();
        }
        log.info("event=import_finished complete={} artifacts_imported={}", complete, artifactsImported);
    }

    private void users() throws Exception {
        for (HarborDatabase.User u : harbor.users()) {
            Optional<UserAccount> existing = users.findByName(u.username());
            if (existing.isPresent()) {
                userIds.put(u.id(), existing.get().id());
                report.count("users", Outcome.EXISTING);
                boolean awaitingReset = jdbc.sql("SELECT count(*) FROM app_user WHERE id = ? AND password_hash = ?")
                                .param(existing.get().id())
                                .param(RESET_REQUIRED)
                                .query(Long.class)
                                .single()
                        > 0;
                if (awaitingReset) {
                    report.note("user " + u.username()
                            + ": imported earlier, still needs a new password from an administrator");
                }
                continue;
            }
            Optional<String> hash = PasswordHasher.importedHarborHash(u.passwordVersion(), u.salt(), u.password());
            if (hash.isEmpty()) {
                report.note("user " + u.username()
                        + ": Harbor's password hash cannot be verified (directory user or unknown format);"
                        + " an administrator must set a new password");
            }
            if (dryRun()) {
                userIds.put(u.id(), -u.id()); // a stand-in: the user would exist
                report.count("users", Outcome.IMPORTED);
                continue;
            }
            try {
                String email = u.email() == null || u.email().isBlank() ? null : u.email();
                long id = users.insert(
                        u.username(),
                        email,
                        nonNull(u.realname()),
                        nonNull(u.comment()),
                        hash.orElse(RESET_REQUIRED),
                        u.sysadmin());
                userIds.put(u.id(), id);
                report.count("users", Outcome.IMPORTED);
            } catch (DataIntegrityViolationException e) {
                report.count("users", Outcome.SKIPPED);
                report.note(
                        "user " + u.username() + ": not imported, its name or e-mail is taken by another Berth user");
            }
        }
        log.info(
                "event=import_users imported={} existing={}",
                report.counted("users", Outcome.IMPORTED),
                report.counted("users", Outcome.EXISTING));
    }

    private void groups() throws Exception {
        for (HarborDatabase.Group g : harbor.groups()) {
            if (g.type() < 1 || g.type() > 3) {
                report.count("user groups", Outcome.SKIPPED);
                report.note("user group " + g.name() + ": unknown group type " + g.type());
                continue;
            }
            Optional<Long> existing = jdbc.sql("SELECT id FROM user_group WHERE group_type = ? AND group_name = ?")
                    .param(g.type())
                    .param(g.name())
                    .query(Long.class)
                    .optional();
            if (existing.isPresent()) {
                groupIds.put(g.id(), existing.get());
                report.count("user groups", Outcome.EXISTING);
                continue;
            }
            report.count("user groups", Outcome.IMPORTED);
            if (dryRun()) {
                groupIds.put(g.id(), -g.id());
            } else {
                groupIds.put(
                        g.id(),
                        jdbc.sql(
                                        "INSERT INTO user_group (group_name, group_type, ldap_group_dn) VALUES (?, ?, ?) RETURNING id")
                                .param(g.name())
                                .param(g.type())
                                .param(nonNull(g.ldapDn()))
                                .query(Long.class)
                                .single());
            }
        }
    }

    private void projects() throws Exception {
        for (HarborDatabase.Project p : harbor.projects()) {
            projectNames.put(p.id(), p.name());
            try {
                ProjectService.validateName(p.name());
            } catch (RuntimeException e) {
                report.count("projects", Outcome.SKIPPED);
                report.note("project " + p.name() + ": name not valid in Berth, not imported (nor its repositories)");
                continue;
            }
            if (p.registryId() > 0) {
                report.note("project " + p.name()
                        + ": a proxy cache in Harbor; imported as an ordinary project with its cached images,"
                        + " its upstream registry must be configured again");
            }
            Optional<Long> existing = jdbc.sql("SELECT id FROM project WHERE name = ?")
                    .param(p.name())
                    .query(Long.class)
                    .optional();
            if (existing.isPresent()) {
                report.count("projects", Outcome.EXISTING);
            } else {
                report.count("projects", Outcome.IMPORTED);
            }
            if (dryRun()) {
                existing.ifPresent(id -> projectIds.put(p.id(), id));
                projectIds.putIfAbsent(p.id(), -p.id()); // a stand-in id: the project would exist
                continue;
            }
            long id = existing.orElseGet(() -> jdbc.sql("""
                            INSERT INTO project (name, owner_id, creation_time) VALUES (?, ?, ?)
                            ON CONFLICT (name) DO NOTHING RETURNING id
                            """)
                    .param(p.name())
                    .param(userIds.get(p.ownerId()))
                    .param(java.sql.Timestamp.from(p.created()))
                    .query(Long.class)
                    .single());
            projectIds.put(p.id(), id);
            Map<String, String> metadata = new HashMap<>();
            metadata.put("public", "false");
            p.metadata().forEach((k, v) -> {
                if (METADATA.contains(k)) {
                    metadata.put(k, v);
                }
            });
            // Existing keys stay as Berth has them: a second run changes nothing.
            metadata.forEach((k, v) -> jdbc.sql("""
                            INSERT INTO project_metadata (project_id, name, value) VALUES (?, ?, ?)
                            ON CONFLICT (project_id, name) DO NOTHING
                            """).param(id).param(k).param(v).update());
        }
        log.info(
                "event=import_projects imported={} existing={}",
                report.counted("projects", Outcome.IMPORTED),
                report.counted("projects", Outcome.EXISTING));
    }

    private void members() throws Exception {
        for (HarborDatabase.Member m : harbor.members()) {
            Long project = projectIds.get(m.projectId());
            Long entity = m.entityType().equals("g") ? groupIds.get(m.entityId()) : userIds.get(m.entityId());
            if (project == null || entity == null || m.role() < 1 || m.role() > 5) {
                report.count("project members", Outcome.SKIPPED);
                continue;
            }
            if (dryRun()) {
                boolean present = jdbc.sql("""
                                        SELECT count(*) FROM project_member
                                        WHERE project_id = ? AND entity_type = ? AND entity_id = ?
                                        """)
                                .param(project)
                                .param(m.entityType())
                                .param(entity)
                                .query(Long.class)
                                .single()
                        > 0;
                report.count("project members", present ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            int inserted = jdbc.sql("""
                            INSERT INTO project_member (project_id, entity_type, entity_id, role) VALUES (?, ?, ?, ?)
                            ON CONFLICT (project_id, entity_type, entity_id) DO NOTHING
                            """)
                    .param(project)
                    .param(m.entityType())
                    .param(entity)
                    .param(m.role())
                    .update();
            report.count("project members", inserted == 1 ? Outcome.IMPORTED : Outcome.EXISTING);
        }
    }

    private void labels() throws Exception {
        for (HarborDatabase.Label l : harbor.labels()) {
            boolean global = l.scope().equals("g");
            Long project = global ? null : projectIds.get(l.projectId());
            if (!global && project == null) {
                report.count("labels", Outcome.SKIPPED);
                continue;
            }
            Optional<Long> existing = jdbc.sql("""
                            SELECT id FROM label WHERE scope = ? AND COALESCE(project_id, 0) = ? AND name = ?
                            """)
                    .param(global ? "g" : "p")
                    .param(global ? 0L : project)
                    .param(l.name())
                    .query(Long.class)
                    .optional();
            if (existing.isPresent()) {
                labelIds.put(l.id(), existing.get());
                report.count("labels", Outcome.EXISTING);
                continue;
            }
            report.count("labels", Outcome.IMPORTED);
            if (!dryRun()) {
                labelIds.put(
                        l.id(),
                        jdbc.sql("""
                                        INSERT INTO label (name, description, color, scope, project_id)
                                        VALUES (?, ?, ?, ?, ?) RETURNING id
                                        """)
                                .param(l.name())
                                .param(l.description())
                                .param(l.color())
                                .param(global ? "g" : "p")
                                .param(project)
                                .query(Long.class)
                                .single());
            }
        }
    }

    private void robotsAndTheRest() throws Exception {
        new RobotAccountImport(context, robots, secretsFile).run();
        registryIds = new RegistryEndpointImport(context, remotes, harborSecrets).run();
        new ScannerRegistrationImport(context, scannerImport).run();
        new AuditLogImport(context, jdbc).run();
        report.notCarried(
                "job executions",
                harbor.count("execution"),
                "replication, preheat, retention and scan histories and their job logs stay in Harbor");
    }

    /** Every repository's artifacts; false when the artifact limit stopped the run early. */
    private boolean artifacts() throws Exception {
        Map<Long, List<String>> tags = harbor.tags();
        Map<Long, String> accessories = harbor.accessories();
        Map<Long, HarborDatabase.Repository> repositories = new HashMap<>();
        for (HarborDatabase.Repository r : harbor.repositories()) {
            repositories.put(r.id(), r);
        }
        List<HarborDatabase.Artifact> all = harbor.artifacts();
        Set<Long> missingProjects = new HashSet<>();
        for (HarborDatabase.Artifact a : all) {
            artifactKeys.put(a.id(), new String[] {a.repository(), a.digest()});
            HarborDatabase.Repository repository = repositories.get(a.repositoryId());
            if (repository == null || !projectIds.containsKey(repository.projectId())) {
                if (repository != null && missingProjects.add(repository.projectId())) {
                    report.note(
                            "repositories of project #" + repository.projectId() + " skipped: project not imported");
                }
                report.count("artifacts", Outcome.SKIPPED);
                continue;
            }
            if (artifactLimit >= 0 && artifactsImported >= artifactLimit) {
                log.info("event=import_paused reason=artifact_limit limit={}", artifactLimit);
                return false;
            }
            Optional<Digest> digest = Digest.parse(a.digest());
            if (digest.isEmpty()) {
                report.count("artifacts", Outcome.SKIPPED);
                report.note("artifact " + a.repository() + "@" + a.digest() + ": digest not understood");
                continue;
            }
            try {
                Outcome outcome = artifact(
                        a.repository(), digest.get(), a.manifestMediaType(), tags.getOrDefault(a.id(), List.of()));
                report.count(accessories.containsKey(a.id()) ? "accessories" : "artifacts", outcome);
            } catch (ImportFailure | RegistryException e) {
                report.count("artifacts", Outcome.SKIPPED);
                report.note("artifact " + a.repository() + "@" + a.digest() + ": " + e.getMessage());
            }
            if (++artifactsSeen % 100 == 0) {
                log.info(
                        "event=import_progress artifacts={}/{} imported={}",
                        artifactsSeen,
                        all.size(),
                        artifactsImported);
            }
        }
        log.info("event=import_artifacts seen={} imported={}", artifactsSeen, artifactsImported);
        return true;
    }

    /** One manifest and what it needs (blobs, an index's children), then its tags. */
    private Outcome artifact(String repository, Digest digest, String mediaType, List<String> tags) throws IOException {
        if (!dryRun() && manifests.has(repository, digest)) {
            for (String tag : tags) {
                manifests.addTag(repository, digest, tag); // false when there: nothing changes
            }
            return Outcome.EXISTING;
        }
        if (dryRun() && (manifests.has(repository, digest) || !plannedManifests.add(repository + "@" + digest))) {
            return Outcome.EXISTING; // or counted already, as an index's child: the real run finds it then
        }
        byte[] bytes =
                storage.manifest(digest).orElseThrow(() -> new ImportFailure("manifest missing from Harbor's storage"));
        ParsedManifest parsed;
        try {
            parsed = ManifestParser.parse(mediaType == null ? "" : mediaType, bytes);
        } catch (RegistryException e) {
            throw new ImportFailure("manifest not accepted: " + e.getMessage());
        }
        switch (parsed) {
            case ParsedManifest.ImageManifest image -> {
                blob(repository, image.config());
                for (Descriptor layer : image.layers()) {
                    if (!layer.isExternal()) {
                        blob(repository, layer);
                    }
                }
            }
            case ParsedManifest.ImageIndex index -> {
                Set<Digest> done = new HashSet<>();
                for (Descriptor child : index.manifests()) {
                    if (done.add(child.digest())) {
                        artifact(repository, child.digest(), child.mediaType(), List.of());
                    }
                }
            }
        }
        if (!dryRun()) {
            manifests.put(repository, digest.toString(), parsed.mediaType(), bytes, tags);
        }
        artifactsImported++;
        return Outcome.IMPORTED;
    }

    private void blob(String repository, Descriptor d) throws IOException {
        long size = storage.size(d.digest())
                .orElseThrow(() -> new ImportFailure("blob " + d.digest() + " missing from Harbor's storage"));
        if (size != d.size()) {
            throw new ImportFailure(
                    "blob " + d.digest() + " is " + size + " bytes in storage, the manifest says " + d.size());
        }
        if (dryRun()) {
            if (uploads.linked(repository, d.digest())) {
                return;
            }
            if (plannedBlobs.add(d.digest())) {
                boolean stored = jdbc.sql("SELECT count(*) FROM blob WHERE digest = ?")
                                .param(d.digest().toString())
                                .query(Long.class)
                                .single()
                        > 0;
                if (stored) {
                    report.linked();
                } else {
                    report.copied(size);
                }
            }
            return;
        }
        if (uploads.linked(repository, d.digest())) {
            return;
        }
        if (uploads.linkStored(repository, d.digest(), size).isPresent()) {
            report.linked();
            return;
        }
        // The upload path hashes every byte and refuses to commit a blob whose digest differs.
        try (InputStream in = storage.open(d.digest())) {
            uploads.monolithic(repository, d.digest(), new BlobUploadService.Body(size, in));
        }
        report.copied(size);
    }

    private void labelReferences() throws Exception {
        for (HarborDatabase.LabelReference ref : harbor.labelReferences()) {
            Long label = labelIds.get(ref.labelId());
            String[] key = artifactKeys.get(ref.artifactId());
            if (label == null || key == null) {
                report.count("artifact labels", Outcome.SKIPPED);
                continue;
            }
            if (dryRun()) {
                boolean present = jdbc.sql("""
                                        SELECT count(*) FROM artifact_label al
                                        JOIN manifest m ON m.id = al.manifest_id
                                        JOIN repository r ON r.id = m.repository_id
                                        WHERE al.label_id = ? AND r.name = ? AND m.digest = ?
                                        """)
                                .param(label)
                                .param(key[0])
                                .param(key[1])
                                .query(Long.class)
                                .single()
                        > 0;
                report.count("artifact labels", present ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            int inserted =
                    jdbc.sql("""
                            INSERT INTO artifact_label (label_id, manifest_id)
                            SELECT ?, m.id FROM manifest m JOIN repository r ON r.id = m.repository_id
                            WHERE r.name = ? AND m.digest = ?
                            ON CONFLICT DO NOTHING
                            """).param(label).param(key[0]).param(key[1]).update();
            report.count("artifact labels", inserted == 1 ? Outcome.IMPORTED : Outcome.EXISTING);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** An item that cannot be imported; the run goes on and the report names it. */
    static final class ImportFailure extends RuntimeException {
        ImportFailure(String message) {
            super(message);
        }
    }
}
