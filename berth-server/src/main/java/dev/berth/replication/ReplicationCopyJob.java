package dev.berth.replication;

import dev.berth.job.JobContext;
import java.time.Clock;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies one tagged artifact of a replication execution ({@link ArtifactCopier}). Retried by the
 * job service on failure; a retry skips what the destination already has.
 */
@Component
class ReplicationCopyJob extends ReplicationTask {
    static final String NAME = "REPLICATION_COPY";

    private final JsonMapper json;
    private final Clock clock;

    ReplicationCopyJob(
            ReplicationPolicyRecords policies,
            ReplicationEndpoints endpoints,
            JsonMapper json,
            ReplicationSettings settings,
            Clock clock) {
        super(policies, endpoints, settings);
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode p = context.parameters();
        ReplicationPolicy policy = policy(context);
        ReplicationEndpoints.Ends ends = endpoints.of(policy);
        String src = p.path("src_repo").asString();
        String tag = p.path("tag").asString();
        String dst = p.path("dst_repo").asString();
        context.log("copying " + src + ":" + tag + " to " + dst + ":" + tag + " (attempt " + context.attempt() + ")");
        if (policy.speed() > 0) {
            context.log("speed limited to " + policy.speed() + " KiB/s");
        }
        ends.destination().prepare(dst);
        ArtifactCopier.Outcome outcome = new ArtifactCopier(
                        ends.source(),
                        ends.destination(),
                        json,
                        context,
                        new Retrying(settings, context),
                        new Throttle(policy.speed()),
                        new BlobDeadline(clock, settings.minTransferTime, settings.minThroughputKib, policy.speed()),
                        policy.copyByChunk() ? settings.chunkSize : 0)
                .copy(src, tag, dst, policy.override());
        context.progress(100);
        context.log(
                outcome.skipped()
                        ? "skipped"
                        : "done: " + outcome.digest() + ", " + outcome.blobsCopied() + " blob(s) copied, "
                                + outcome.blobsSkipped() + " already there, " + outcome.accessories()
                                + " accessory(ies)");
    }
}
