package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.replication.ReplicationImport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Harbor's replication policies, each turned into the body of {@code POST /replication/policies}
 * with the registry endpoints as imported, and created through the API's checks, a scheduled
 * policy's schedule made again. Filters and triggers are read as Harbor's own reader reads them,
 * the shapes of Harbor 1.x included ({@code src/controller/replication/model/model.go}). A policy
 * that names an endpoint that was not imported, or that the API's checks refuse, is named in the
 * report with why. A policy whose name Berth has already is kept as Berth has it.
 */
final class ReplicationPolicyImport {
    private static final String KIND = "replication policies";

    private final HarborDatabase harbor;
    private final ImportReport report;
    private final ReplicationImport replication;
    private final Map<Long, Long> registryIds;
    private final JsonMapper json = JsonMapper.builder().build();

    /** @param registryIds Harbor's endpoint ids to Berth's, for the endpoints imported */
    ReplicationPolicyImport(ImportContext context, ReplicationImport replication, Map<Long, Long> registryIds) {
        this.harbor = context.harbor();
        this.report = context.report();
        this.replication = replication;
        this.registryIds = registryIds;
    }

    void run() throws Exception {
        for (HarborDatabase.ReplicationPolicy p : harbor.replicationPolicies()) {
            String what = "replication policy " + p.name();
            ObjectNode body;
            try {
                body = body(p);
            } catch (HarborImport.ImportFailure e) {
                report.count(KIND, Outcome.SKIPPED);
                report.note(what + ": not imported, " + e.getMessage());
                continue;
            }
            if (report.dryRun()) {
                report.count(KIND, replication.existing(p.name()).isPresent() ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            switch (replication.create(p.creator(), body)) {
                case ReplicationImport.Result.Created c -> {
                    report.count(KIND, Outcome.IMPORTED);
                    if (!c.cron().isEmpty()) {
                        report.note(what + ": scheduled again (" + c.cron() + ")");
                    }
                }
                case ReplicationImport.Result.Existing e -> report.count(KIND, Outcome.EXISTING);
                case ReplicationImport.Result.Refused r -> {
                    report.count(KIND, Outcome.SKIPPED);
                    report.note(what + ": refused: " + r.reason());
                }
            }
        }
    }

    /** The API's body for the policy, with Berth's endpoint ids. */
    ObjectNode body(HarborDatabase.ReplicationPolicy p) {
        ObjectNode body = json.createObjectNode();
        body.put("name", p.name());
        body.put("description", p.description());
        registry(body, "src_registry", p.srcRegistryId());
        registry(body, "dest_registry", p.destRegistryId());
        body.put("dest_namespace", p.destNamespace());
        body.put("dest_namespace_replace_count", p.destNamespaceReplaceCount());
        JsonNode trigger = trigger(p.trigger());
        if (trigger != null) {
            body.set("trigger", trigger);
        }
        body.set("filters", filters(p.filters()));
        body.put("replicate_deletion", p.replicateDeletion());
        body.put("override", p.override());
        body.put("enabled", p.enabled());
        body.put("speed", p.speed());
        body.put("copy_by_chunk", p.copyByChunk());
        body.put("single_active_replication", p.singleActiveReplication());
        return body;
    }

    private void registry(ObjectNode body, String field, long harborId) {
        if (harborId <= 0) {
            return; // Harbor itself: this Berth
        }
        Long id = registryIds.get(harborId);
        if (id == null) {
            throw new HarborImport.ImportFailure("its registry endpoint (Harbor's #" + harborId + ") was not imported");
        }
        body.putObject(field).put("id", id);
    }

    /** Harbor's trigger; the 1.x shape ({@code kind}, {@code schedule_param}) as Harbor converts it; null: manual. */
    JsonNode trigger(String stored) {
        if (stored == null || stored.isBlank()) {
            return null;
        }
        JsonNode t = parse(stored, "its trigger");
        ObjectNode out = json.createObjectNode();
        String type = t.path("type").asString("");
        if (!type.isEmpty()) {
            out.put("type", type);
            String cron = t.path("trigger_settings").path("cron").asString("");
            if (!cron.isEmpty()) {
                out.putObject("trigger_settings").put("cron", cron);
            }
            return out;
        }
        switch (t.path("kind").asString("")) {
            case "Manual" -> out.put("type", "manual");
            case "Immediate" -> out.put("type", "event_based");
            case "Scheduled" -> {
                out.put("type", "scheduled");
                out.putObject("trigger_settings").put("cron", legacyCron(t.path("schedule_param")));
            }
            default -> {
                return null; // Harbor reads an unknown trigger as none
            }
        }
        return out;
    }

    private static String legacyCron(JsonNode param) {
        if (param.isMissingNode() || param.isNull()) {
            return "";
        }
        long offtime = param.path("offtime").asLong(0) % (3600 * 24);
        long hour = offtime / 3600;
        long minute = offtime % 3600 / 60;
        long second = offtime % 60;
        if (param.path("type").asString("").equals("Weekly")) {
            return second + " " + minute + " " + hour + " * * "
                    + param.path("weekday").asInt(0) % 7;
        }
        return second + " " + minute + " " + hour + " * * *";
    }

    /**
     * Harbor's filters; of the 1.x shape ({@code kind}, {@code pattern}) a repository filter is
     * merged into the name filter, a tag filter kept, a label filter dropped, as Harbor does.
     */
    ArrayNode filters(String stored) {
        ArrayNode out = json.createArrayNode();
        if (stored == null || stored.isBlank()) {
            return out;
        }
        JsonNode items = parse(stored, "its filter list");
        if (!items.isArray()) {
            throw new HarborImport.ImportFailure("its filters are not a JSON list");
        }
        List<ObjectNode> current = new ArrayList<>();
        List<String> repositories = new ArrayList<>();
        for (JsonNode item : items) {
            String type = item.path("type").asString("");
            JsonNode value = item.hasNonNull("value") ? item.get("value") : item.path("pattern");
            if (type.isEmpty()) {
                switch (item.path("kind").asString("")) {
                    case "repository" -> {
                        if (value.isString() && !value.asString().isEmpty()) {
                            repositories.add(value.asString());
                        }
                        continue;
                    }
                    case "tag" -> type = "tag";
                    default -> {
                        continue; // 1.x label filters and unknown kinds: Harbor drops them too
                    }
                }
            }
            ObjectNode f = json.createObjectNode();
            f.put("type", type);
            f.set("value", value.isMissingNode() ? json.nullNode() : value.deepCopy());
            String decoration = item.path("decoration").asString("");
            if (!decoration.isEmpty()) {
                f.put("decoration", decoration);
            }
            current.add(f);
        }
        for (String repository : repositories) {
            current.stream()
                    .filter(f -> f.path("type").asString("").equals("name")
                            && f.path("value").isString())
                    .findFirst()
                    .ifPresent(f -> {
                        String name = f.path("value").asString();
                        int at = name.indexOf("**");
                        if (at >= 0) {
                            f.put("value", name.substring(0, at) + repository + name.substring(at + 2));
                        }
                    });
        }
        current.forEach(out::add);
        return out;
    }

    private JsonNode parse(String stored, String what) {
        try {
            return json.readTree(stored);
        } catch (RuntimeException e) {
            throw new HarborImport.ImportFailure(what + " is not JSON Harbor would read");
        }
    }
}
