package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.preheat.PreheatImport;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Harbor's P2P preheat provider instances and their policies, each through the checks of the API's
 * create (Berth's outbound rules for the endpoint included), a scheduled policy's schedule made
 * again. An instance's credentials ({@code auth_data}, which Harbor 2.14 encrypts with its secret
 * key and earlier versions kept as JSON) are decrypted as Harbor does and sealed with Berth's key;
 * encrypted credentials without Harbor's key, an instance the checks refuse, and the policies of
 * either are named in the report with why.
 */
final class PreheatPolicyImport {
    private static final String INSTANCES = "preheat instances";
    private static final String POLICIES = "preheat policies";

    private final HarborDatabase harbor;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;
    private final ImportContext context;
    private final PreheatImport preheat;
    private final HarborSecrets harborSecrets;
    private final JsonMapper json = JsonMapper.builder().build();

    PreheatPolicyImport(ImportContext context, PreheatImport preheat, HarborSecrets harborSecrets) {
        this.harbor = context.harbor();
        this.report = context.report();
        this.projectIds = context.projectIds();
        this.context = context;
        this.preheat = preheat;
        this.harborSecrets = harborSecrets;
    }

    void run() throws Exception {
        Map<Long, Long> instanceIds = instances();
        for (HarborDatabase.PreheatPolicy p : harbor.preheatPolicies()) {
            String what = "preheat policy " + p.name() + " of project " + context.projectName(p.projectId());
            Long project = projectIds.get(p.projectId());
            Long provider = instanceIds.get(p.providerId());
            if (project == null || provider == null) {
                report.count(POLICIES, Outcome.SKIPPED);
                report.note(what + ": not imported, "
                        + (project == null
                                ? "its project was not imported"
                                : "its provider instance (Harbor's #" + p.providerId() + ") was not imported"));
                continue;
            }
            if (report.dryRun()) {
                boolean present =
                        project > 0 && preheat.policy(project, p.name()).isPresent();
                report.count(POLICIES, present ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            ObjectNode body = json.createObjectNode();
            body.put("name", p.name());
            body.put("description", p.description());
            body.put("provider_id", provider);
            body.put("filters", p.filters());
            body.put("trigger", p.trigger());
            body.put("enabled", p.enabled());
            body.put("extra_attrs", p.extraAttrs());
            switch (preheat.createPolicy(project, body)) {
                case PreheatImport.Result.Created c -> {
                    report.count(POLICIES, Outcome.IMPORTED);
                    if (!c.cron().isEmpty()) {
                        report.note(what + ": scheduled again (" + c.cron() + ")");
                    }
                }
                case PreheatImport.Result.Existing e -> report.count(POLICIES, Outcome.EXISTING);
                case PreheatImport.Result.Refused r -> {
                    report.count(POLICIES, Outcome.SKIPPED);
                    report.note(what + ": refused: " + r.reason());
                }
            }
        }
    }

    /** The instances; Harbor's ids to Berth's for those in Berth (stand-ins in a dry run). */
    private Map<Long, Long> instances() throws Exception {
        Map<Long, Long> ids = new HashMap<>();
        for (HarborDatabase.PreheatInstance i : harbor.preheatInstances()) {
            String what = "preheat instance " + i.name();
            Map<String, String> auth;
            try {
                auth = authInfo(i);
            } catch (HarborImport.ImportFailure e) {
                report.count(INSTANCES, Outcome.SKIPPED);
                report.note(what + ": not imported (nor its policies), " + e.getMessage());
                continue;
            }
            if (report.dryRun()) {
                Optional<Long> existing = preheat.instance(i.name());
                report.count(INSTANCES, existing.isPresent() ? Outcome.EXISTING : Outcome.IMPORTED);
                ids.put(i.id(), existing.orElse(-i.id()));
                continue;
            }
            ObjectNode body = json.createObjectNode();
            body.put("name", i.name());
            body.put("description", i.description());
            body.put("vendor", i.vendor());
            body.put("endpoint", i.endpoint());
            body.put("auth_mode", i.authMode().isEmpty() ? "NONE" : i.authMode());
            ObjectNode info = body.putObject("auth_info");
            auth.forEach(info::put);
            body.put("enabled", i.enabled());
            body.put("default", i.isDefault());
            body.put("insecure", i.insecure());
            switch (preheat.createInstance(body)) {
                case PreheatImport.Result.Created c -> {
                    report.count(INSTANCES, Outcome.IMPORTED);
                    ids.put(i.id(), c.id());
                }
                case PreheatImport.Result.Existing e -> {
                    report.count(INSTANCES, Outcome.EXISTING);
                    ids.put(i.id(), e.id());
                }
                case PreheatImport.Result.Refused r -> {
                    report.count(INSTANCES, Outcome.SKIPPED);
                    report.note(what + ": refused (nor its policies imported): " + r.reason());
                }
            }
        }
        return ids;
    }

    /** The instance's credentials in the clear; never in a message. */
    private Map<String, String> authInfo(HarborDatabase.PreheatInstance i) {
        Optional<String> plain;
        try {
            plain = harborSecrets.decryptSecret(i.authData());
        } catch (IllegalArgumentException e) {
            throw new HarborImport.ImportFailure("its credentials " + e.getMessage());
        }
        if (plain.isEmpty()) {
            throw new HarborImport.ImportFailure("its credentials are encrypted with Harbor's key"
                    + " (give --harbor-secret-key-file, or make the instance again in Berth)");
        }
        Map<String, String> auth = new HashMap<>();
        if (plain.get().isBlank()) {
            return auth;
        }
        JsonNode node;
        try {
            node = json.readTree(plain.get());
        } catch (RuntimeException e) {
            throw new HarborImport.ImportFailure("its credentials are not the JSON Harbor stores");
        }
        if (!node.isObject()) {
            throw new HarborImport.ImportFailure("its credentials are not the JSON Harbor stores");
        }
        node.properties().forEach(e -> auth.put(e.getKey(), e.getValue().asString("")));
        return auth;
    }
}
