package dev.berth.registry;

import dev.berth.storage.Digest;
import java.util.Map;

/** One entry of a referrers response. */
record Referrer(Digest digest, String mediaType, long size, String artifactType, Map<String, String> annotations) {}
