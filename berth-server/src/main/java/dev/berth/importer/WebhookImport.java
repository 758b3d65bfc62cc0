package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.webhook.WebhookPolicyImport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Harbor's webhook policies, through the API's checks (Berth's outbound rules included). */
final class WebhookImport {
    private final HarborDatabase harbor;
    private final WebhookPolicyImport webhooks;
    private final ImportReport report;
    private final Map<Long, Long> projectIds;
    private final Map<Long, String> projectNames;
    private final JsonMapper json = JsonMapper.builder().build();

    WebhookImport(ImportContext context, WebhookPolicyImport webhooks) {
        this.harbor = context.harbor();
        this.webhooks = webhooks;
        this.report = context.report();
        this.projectIds = context.projectIds();
        this.projectNames = context.projectNames();
    }

    void run() throws Exception {
        for (HarborDatabase.WebhookPolicy p : harbor.webhookPolicies()) {
            Long project = projectIds.get(p.projectId());
            if (project == null) {
                report.count("webhook policies", Outcome.SKIPPED);
                continue;
            }
            List<String> eventTypes = new ArrayList<>();
            List<WebhookPolicyImport.Target> targets = new ArrayList<>();
            try {
                json.readTree(p.eventTypes()).forEach(t -> eventTypes.add(t.asString()));
                json.readTree(p.targets())
                        .forEach(t -> targets.add(new WebhookPolicyImport.Target(
                                t.path("type").asString("http"),
                                t.path("address").asString(""),
                                t.hasNonNull("auth_header")
                                        ? t.path("auth_header").asString()
                                        : null,
                                t.path("skip_cert_verify").asBoolean(false),
                                t.hasNonNull("payload_format")
                                        ? t.path("payload_format").asString()
                                        : null)));
            } catch (RuntimeException e) {
                report.count("webhook policies", Outcome.SKIPPED);
                report.note("webhook policy " + p.name() + ": targets or event types not understood");
                continue;
            }
            if (report.dryRun()) {
                report.count(
                        "webhook policies",
                        project > 0 && webhooks.exists(project, p.name()) ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            switch (webhooks.create(
                    project, p.name(), p.description(), eventTypes, targets, p.creator(), p.enabled())) {
                case WebhookPolicyImport.Result.Created c -> report.count("webhook policies", Outcome.IMPORTED);
                case WebhookPolicyImport.Result.Existing e -> report.count("webhook policies", Outcome.EXISTING);
                case WebhookPolicyImport.Result.Refused r -> {
                    report.count("webhook policies", Outcome.SKIPPED);
                    report.note("webhook policy " + p.name() + " of project "
                            + projectNames.getOrDefault(p.projectId(), "?") + ": refused: " + r.reason());
                }
            }
        }
    }
}
