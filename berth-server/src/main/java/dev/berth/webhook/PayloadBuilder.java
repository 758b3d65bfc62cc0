package dev.berth.webhook;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventTypes;
import dev.berth.event.QuotaEvent;
import dev.berth.event.StoredEvent;
import dev.berth.storage.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Turns an event of the stream into Harbor's payload, as Harbor's handlers build it: artifact events
 * name the first tag (or the digest) and its pull URL on the external host; quota events carry the
 * usage in {@code custom_attributes.Details}. Events of features that write Harbor's {@code
 * event_data} themselves (scanning, replication, retention) carry it in their data under {@code
 * event_data}, and it is passed on as it is.
 */
final class PayloadBuilder {
    private PayloadBuilder() {}

    /**
     * @param registryHost the external URL's host (and port), as in Harbor's {@code resource_url}
     * @param projectPublic whether the event's project is public ({@code repo_type})
     */
    static Optional<HarborPayload> build(StoredEvent event, String registryHost, boolean projectPublic) {
        String type = event.type().name();
        long occurAt = event.occurredAt().getEpochSecond();
        String repoType = projectPublic ? "public" : "private";
        HarborPayload.EventData data;
        if (event.type().equals(EventTypes.PUSH_ARTIFACT)
                || event.type().equals(EventTypes.PULL_ARTIFACT)
                || event.type().equals(EventTypes.DELETE_ARTIFACT)) {
            ArtifactEvent a = event.data(ArtifactEvent.class);
            String reference = a.tags().isEmpty() ? a.digest() : a.tags().getFirst();
            String url =
                    registryHost + "/" + a.repository() + (Digest.looksLikeDigest(reference) ? "@" : ":") + reference;
            data = new HarborPayload.EventData(
                    List.of(new HarborPayload.Resource(a.digest(), reference, url, null, null)),
                    repository(
                            a.repository(),
                            a.repositoryCreated() == null
                                    ? null
                                    : a.repositoryCreated().getEpochSecond(),
                            repoType),
                    null,
                    null,
                    null,
                    null);
        } else if (event.type().equals(EventTypes.QUOTA_EXCEED) || event.type().equals(EventTypes.QUOTA_WARNING)) {
            QuotaEvent q = event.data(QuotaEvent.class);
            List<HarborPayload.Resource> resources =
                    q.tag().isEmpty() && q.digest().isEmpty()
                            ? List.of()
                            : List.of(new HarborPayload.Resource(q.digest(), q.tag(), null, null, null));
            data = new HarborPayload.EventData(
                    resources,
                    repository(q.repository(), null, repoType),
                    null,
                    null,
                    null,
                    Map.of("Details", q.message()));
        } else {
            JsonNode given = event.data().path("event_data");
            if (!given.isObject()) {
                return Optional.empty();
            }
            data = PayloadFormat.JSON.treeToValue(given, HarborPayload.EventData.class);
        }
        return Optional.of(new HarborPayload(type, occurAt, event.operator(), data));
    }

    private static HarborPayload.Repository repository(String fullName, Long created, String repoType) {
        int slash = fullName.indexOf('/');
        return new HarborPayload.Repository(
                created, fullName.substring(slash + 1), fullName.substring(0, Math.max(slash, 0)), fullName, repoType);
    }
}
