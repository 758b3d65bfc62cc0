package dev.berth.replication;

import dev.berth.job.JobContext;
import dev.berth.job.UnrecoverableJobException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Deletion replication (Harbor's {@code deletion} and {@code tag deletion} operations), queued by
 * {@link ReplicationConsumer} for an event-based push policy with {@code deletion} on:
 *
 * <ul>
 *   <li>an artifact deleted here: the destination's manifest with that digest is deleted (with the
 *       tags on it). Only the digest the event names is touched; a destination tag that now points
 *       at other content is left alone, so the deletion removes nothing the filters did not select;
 *   <li>a tag deleted here (the artifact kept): the destination's tag is deleted when it still
 *       points at the digest that was untagged here.
 * </ul>
 *
 * Nothing there to delete is success ("not on the destination: skipped"), as in Harbor.
 */
@Component
class ReplicationDeleteJob extends ReplicationTask {
    static final String NAME = "REPLICATION_DELETE";
    static final String ARTIFACT = "deletion";
    static final String TAG = "tag deletion";

    private final tools.jackson.databind.json.JsonMapper json;

    ReplicationDeleteJob(
            ReplicationPolicyRecords policies,
            ReplicationEndpoints endpoints,
            ReplicationSettings settings,
            tools.jackson.databind.json.JsonMapper json) {
        super(policies, endpoints, settings);
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode p = context.parameters();
        ReplicationPolicy policy = policy(context);
        if (!policy.isPush()) {
            throw new UnrecoverableJobException("deletions are replicated by push policies only");
        }
        ContentEndpoint destination = endpoints.of(policy).destination();
        Retrying retrying = new Retrying(settings, context);
        String repository = p.path("dst_repo").asString();
        String digest = p.path("digest").asString();
        List<String> tags = new ArrayList<>();
        p.path("tags").forEach(t -> tags.add(t.asString()));
        if (policy.filters().stream().anyMatch(f -> f.type().equals(PolicyFilter.RESOURCE))) {
            // the artifact is gone here: its kind is read from the destination's copy
            Optional<ContentEndpoint.Manifest> there = retrying.call(
                    "GET manifest " + repository + "@" + digest, () -> destination.manifest(repository, digest));
            if (there.isPresent() && !Selection.resource(policy, there.get(), json)) {
                context.log(repository + "@" + digest + " is not an image: left alone by the resource filter");
                return;
            }
        }
        if (p.path("operation").asString().equals(TAG)) {
            for (String tag : tags) {
                Optional<String> there = retrying.call(
                        "HEAD " + repository + ":" + tag, () -> destination.manifestDigest(repository, tag));
                if (there.isEmpty()) {
                    context.log("the tag " + repository + ":" + tag + " is not on the destination: skipped");
                } else if (!there.get().equals(digest)) {
                    context.log("the tag " + repository + ":" + tag + " points at " + there.get() + ", not " + digest
                            + ": left alone");
                } else if (retrying.call(
                        "deleting the tag " + repository + ":" + tag,
                        () -> destination.deleteTag(repository, tag, digest))) {
                    context.log("the tag " + repository + ":" + tag + " is deleted");
                } else {
                    context.log("the tag " + repository + ":" + tag + " is not on the destination: skipped");
                }
            }
            return;
        }
        if (retrying.call(
                "deleting " + repository + "@" + digest, () -> destination.deleteManifest(repository, digest))) {
            context.log("the manifest " + repository + "@" + digest + " is deleted"
                    + (tags.isEmpty() ? "" : " (tags " + String.join(", ", tags) + ")"));
        } else {
            context.log("the artifact " + repository + "@" + digest + " is not on the destination: skipped");
        }
    }
}
