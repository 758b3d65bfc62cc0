package dev.berth.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's webhook payload ({@code Default} format), field for field and in Harbor's order: empty
 * fields are left out where Harbor's {@code omitempty} leaves them out, {@code operator} is always
 * there (empty for anonymous pulls).
 *
 * @param occurAt seconds since the epoch
 */
record HarborPayload(
        String type,
        long occurAt,
        String operator,
        @JsonInclude(JsonInclude.Include.NON_NULL) EventData eventData) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record EventData(
            List<Resource> resources,
            Repository repository,
            JsonNode replication,
            JsonNode retention,
            JsonNode scan,
            Map<String, String> customAttributes) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Resource(
            String digest,
            String tag,
            String resourceUrl,
            Map<String, Object> scanOverview,
            Map<String, Object> sbomOverview) {}

    /** @param dateCreated seconds since the epoch; left out when unknown, as in Harbor */
    record Repository(
            @JsonInclude(JsonInclude.Include.NON_NULL) Long dateCreated,
            String name,
            String namespace,
            String repoFullName,
            String repoType) {}
}
