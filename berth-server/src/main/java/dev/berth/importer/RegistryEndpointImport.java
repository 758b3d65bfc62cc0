package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.remote.RemoteRegistries;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Harbor's registry endpoints, their credentials decrypted with Harbor's key (when given) and
 * sealed with Berth's, through the same checks as the API.
 */
final class RegistryEndpointImport {
    private final HarborDatabase harbor;
    private final RemoteRegistries remotes;
    private final HarborSecrets harborSecrets;
    private final ImportReport report;

    RegistryEndpointImport(ImportContext context, RemoteRegistries remotes, HarborSecrets harborSecrets) {
        this.harbor = context.harbor();
        this.remotes = remotes;
        this.harborSecrets = harborSecrets;
        this.report = context.report();
    }

    /**
     * Registry endpoints, their credentials decrypted with Harbor's key (when given) and sealed
     * with Berth's. Without the key, an endpoint comes without its credential, said per endpoint.
     *
     * @return Harbor's endpoint ids to Berth's, for the endpoints now in Berth (a dry run gives
     *     negative stand-ins for those it would create)
     */
    Map<Long, Long> run() throws Exception {
        Map<Long, Long> ids = new HashMap<>();
        for (HarborDatabase.Registry r : harbor.registries()) {
            Optional<String> secret;
            try {
                secret = harborSecrets.decrypt(r.accessSecret());
            } catch (IllegalArgumentException e) {
                report.count("registry endpoints", Outcome.SKIPPED);
                report.note("registry endpoint " + r.name() + ": its credential " + e.getMessage());
                continue;
            }
            boolean withoutCredential = secret.isEmpty();
            if (withoutCredential) {
                report.note("registry endpoint " + r.name()
                        + ": its credential is encrypted with Harbor's key; imported without it"
                        + " (give --harbor-secret-key-file, or set it in Berth)");
            }
            if (report.dryRun()) {
                Optional<Long> existing = remotes.idOf(r.name());
                report.count("registry endpoints", existing.isPresent() ? Outcome.EXISTING : Outcome.IMPORTED);
                ids.put(r.id(), existing.orElse(-r.id()));
                continue;
            }
            RemoteRegistries.Imported result = remotes.importEndpoint(
                    r.name(),
                    r.description(),
                    r.type(),
                    r.url(),
                    r.insecure(),
                    r.credentialType(),
                    withoutCredential ? "" : r.accessKey(),
                    secret.orElse(""));
            switch (result) {
                case RemoteRegistries.Imported.Existing e -> {
                    report.count("registry endpoints", Outcome.EXISTING);
                    ids.put(r.id(), e.id());
                }
                case RemoteRegistries.Imported.Refused refused -> {
                    report.count("registry endpoints", Outcome.SKIPPED);
                    report.note("registry endpoint " + r.name() + ": not imported, " + refused.reason());
                }
                case RemoteRegistries.Imported.Created created -> {
                    report.count("registry endpoints", Outcome.IMPORTED);
                    ids.put(r.id(), created.id());
                    if (!created.healthy()) {
                        report.note("registry endpoint " + r.name() + ": imported, but it does not answer now ("
                                + created.reason() + ")");
                    }
                }
            }
        }
        return ids;
    }
}
