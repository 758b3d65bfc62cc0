package dev.berth.preheat;

import java.util.Map;

/**
 * What a provider is told to preheat (Harbor's {@code PreheatImage}).
 *
 * @param url the manifest URL on Berth's external address, {@code <ext>/v2/<repository>/manifests/<tag>}
 * @param headers what the provider sends with its pulls: {@code Authorization: Bearer <pull token>}
 * @param repository the full repository name, project first
 * @param extraAttrs the policy's extra attributes (Dragonfly's {@code scope}, {@code cluster_ids})
 */
record PreheatImage(
        String type,
        String url,
        Map<String, String> headers,
        String repository,
        String tag,
        String digest,
        Map<String, Object> extraAttrs) {
    @Override
    public String toString() {
        return type + " " + repository + ":" + tag + "@" + digest; // never the headers
    }
}
