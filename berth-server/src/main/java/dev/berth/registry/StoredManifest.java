package dev.berth.registry;

import dev.berth.storage.Digest;

/** A manifest as stored: its identity, media type and exact bytes. */
record StoredManifest(long id, long repositoryId, Digest digest, String mediaType, byte[] content) {}
