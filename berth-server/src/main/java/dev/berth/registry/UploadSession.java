package dev.berth.registry;

import dev.berth.storage.Digest;
import java.util.UUID;

/** A blob upload in progress: where it goes, how it is hashed, and how many bytes it has. */
record UploadSession(UUID id, String repository, Digest.Algorithm algorithm, long size) {}
