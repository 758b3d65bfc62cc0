package dev.berth.storage;

import java.util.OptionalLong;

/** Tells whether the bytes of a blob are in the store, and how many there are. */
public interface BlobStatter {
    OptionalLong stat(Digest digest);
}
