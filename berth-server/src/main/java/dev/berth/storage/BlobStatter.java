package dev.berth.storage;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** Tells whether the bytes of a blob are in the store, and how many there are. */
public interface BlobStatter {
    OptionalLong stat(Digest digest);

    /**
     * {@link #stat} of many blobs, for garbage collection's batches. A driver for which each stat is
     * a request (the object stores) overrides this to send them concurrently.
     */
    default Map<Digest, OptionalLong> statAll(Collection<Digest> digests) {
        Map<Digest, OptionalLong> sizes = new LinkedHashMap<>();
        for (Digest digest : digests) {
            sizes.put(digest, stat(digest));
        }
        return sizes;
    }
}
