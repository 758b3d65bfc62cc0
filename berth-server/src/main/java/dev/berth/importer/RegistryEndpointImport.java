package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.remote.RemoteRegistries;
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

    RegistryEndpointImport(
            HarborDatabase harbor, RemoteRegistries remotes, HarborSecrets harborSecrets, ImportReport report) {
        this.harbor = harbor;
        this.remotes = remotes;
        this.harborSecrets = harborSecrets;
        this.report = report;
    }

    /**
     * Registry endpoints, their credentials decrypted with Harbor's key (when given) and sealed
     * with Berth's. Without the key, an endpoint comes without its credential, said per endpoint.
     */
    void run() throws Exception {
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
                report.count("registry endpoints", remotes.exists(r.name()) ? Outcome.EXISTING : Outcome.IMPORTED);
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
                case RemoteRegistries.Imported.Existing e -> report.count("registry endpoints", Outcome.EXISTING);
                case RemoteRegistries.Imported.Refused refused -> {
                    report.count("registry endpoints", Outcome.SKIPPED);
                    report.note("registry endpoint " + r.name() + ": not imported, " + refused.reason());
                }
                case RemoteRegistries.Imported.Created created -> {
                    report.count("registry endpoints", Outcome.IMPORTED);
                    if (!created.healthy()) {
                        report.note("registry endpoint " + r.name() + ": imported, but it does not answer now ("
                                + created.reason() + ")");
                    }
                }
            }
        }
    }
}
