package dev.berth.signature;

import dev.berth.storage.Digest;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import tools.jackson.databind.JsonNode;

/** Reads an artifact's stored verification through the API, as the trust tests do. */
final class TrustResults {
    private TrustResults() {}

    static JsonNode verification(RegistryClient client, String project, String repoPath, Digest digest) {
        RegistryClient.Response r = client.get("/api/v2.0/projects/" + project + "/repositories/" + repoPath
                + "/artifacts/" + digest + "/verification");
        RegistryClient.check(r, 200);
        return r.json();
    }

    /** Waits until the trust consumer has stored a result whose reason starts so. */
    static JsonNode awaitReason(
            RegistryClient client, String project, String repoPath, Digest digest, String reasonStart) {
        return Eventually.await(
                () -> verification(client, project, repoPath, digest),
                v -> v.path("reason").asString().startsWith(reasonStart));
    }
}
