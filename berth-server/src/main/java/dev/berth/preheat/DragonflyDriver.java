package dev.berth.preheat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Dragonfly 2's manager open API, as Harbor's driver uses it: {@code GET /healthy}; {@code POST
 * /oapi/v1/jobs} with {@code {"type":"preheat","args":{"type":"image","url":…,"headers":{…},
 * "scope":…},"scheduler_cluster_ids":[…]}} answered by the job ({@code id}, {@code state}); then
 * {@code GET /oapi/v1/jobs/<id>} until its state is {@code SUCCESS} or {@code FAILURE}
 * ({@code PENDING} meanwhile). The policy's extra attributes may set {@code scope}
 * (single_seed_peer, all_seed_peers, all_peers) and {@code cluster_ids}.
 */
final class DragonflyDriver implements ProviderDriver {
    static final String ID = "dragonfly";
    static final Set<String> SCOPES = Set.of("single_seed_peer", "all_seed_peers", "all_peers");

    @Override
    public ProviderMetadata metadata() {
        return new ProviderMetadata(
                ID,
                "Dragonfly",
                "https://raw.githubusercontent.com/dragonflyoss/Dragonfly2/master/docs/images/logo/dragonfly-linear.png",
                List.of("chlins.zhang@gmail.com", "gaius.qi@gmail.com"),
                "2.1.59",
                "https://github.com/dragonflyoss/Dragonfly2");
    }

    @Override
    public void checkHealth(ProviderEndpoint endpoint) {
        endpoint.get("/healthy");
    }

    @Override
    public Progress preheat(ProviderEndpoint endpoint, PreheatImage image) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("type", "image");
        args.put("url", image.url());
        args.put("headers", image.headers());
        Object scope = image.extraAttrs().get("scope");
        if (scope instanceof String s && !s.isEmpty()) {
            if (!SCOPES.contains(s)) {
                throw new ProviderException("invalid scope: " + s);
            }
            args.put("scope", s);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "preheat");
        request.put("args", args);
        if (image.extraAttrs().get("cluster_ids") instanceof List<?> ids && !ids.isEmpty()) {
            request.put("scheduler_cluster_ids", ids);
        }
        JsonNode job = endpoint.post("/oapi/v1/jobs", request);
        if (!job.path("id").isNumber()) {
            throw new ProviderException("the manager's answer names no job id");
        }
        return new Progress(job.path("id").asString(), State.PENDING, Optional.empty());
    }

    @Override
    public Progress progress(ProviderEndpoint endpoint, String jobId) {
        JsonNode job = endpoint.get("/oapi/v1/jobs/" + jobId);
        String state = job.path("state").asString("");
        return switch (state) {
            case "PENDING" -> new Progress(jobId, State.RUNNING, Optional.empty());
            case "SUCCESS" -> new Progress(jobId, State.SUCCESS, Optional.of(results(job)));
            case "FAILURE" -> new Progress(jobId, State.FAIL, Optional.of(errors(job)));
            default -> new Progress(jobId, State.FAIL, Optional.of("unknown state: " + clip(state)));
        };
    }

    /** One line per peer that took (or failed to take) a blob. */
    private static String results(JsonNode job) {
        List<String> lines = new ArrayList<>();
        for (JsonNode jobState : job.path("result").path("job_states")) {
            for (JsonNode result : jobState.path("results")) {
                String cluster = result.path("scheduler_cluster_id").asString("");
                for (JsonNode t : result.path("success_tasks")) {
                    lines.add(line(t, cluster, "SUCCESS", ""));
                }
                for (JsonNode t : result.path("failure_tasks")) {
                    lines.add(line(t, cluster, "FAILURE", t.path("description").asString("")));
                }
            }
        }
        return lines.isEmpty() ? "no peer results reported" : String.join("\n", lines);
    }

    private static String line(JsonNode task, String cluster, String state, String error) {
        return clip(task.path("url").asString("")) + " "
                + clip(task.path("hostname").asString("")) + " "
                + clip(task.path("ip").asString("")) + " cluster=" + clip(cluster) + " " + state
                + (error.isEmpty() ? "" : " " + clip(error));
    }

    private static String errors(JsonNode job) {
        List<String> errors = new ArrayList<>();
        for (JsonNode jobState : job.path("result").path("job_states")) {
            String e = jobState.path("error").asString("");
            if (!e.isEmpty()) {
                errors.add(clip(e));
            }
        }
        return errors.isEmpty() ? "the manager reported FAILURE" : String.join("; ", errors);
    }

    /** Provider text as it may go into a log: printable ASCII, at most 300 characters. */
    static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 300 ? printable.substring(0, 300) + "…" : printable;
    }
}
