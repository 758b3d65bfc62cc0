package dev.berth.registry;

import dev.berth.storage.BlobStore;
import dev.berth.storage.Digest;
import java.util.OptionalLong;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Reading and unlinking committed blobs of a repository. */
@Service
public class BlobService {
    private final BlobRecords blobs;
    private final RepositoryRecords repositories;
    private final BlobStore store;
    private final ReviewQueue reviews;
    private final TransactionTemplate tx;

    BlobService(
            BlobRecords blobs,
            RepositoryRecords repositories,
            BlobStore store,
            ReviewQueue reviews,
            TransactionTemplate tx) {
        this.blobs = blobs;
        this.repositories = repositories;
        this.store = store;
        this.reviews = reviews;
        this.tx = tx;
    }

    /** The size of a blob the repository holds; {@code BLOB_UNKNOWN} otherwise. */
    public long size(String repository, Digest digest) {
        OptionalLong size = blobs.sizeIn(repository, digest);
        return size.orElseThrow(() -> RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository"));
    }

    public BlobStore store() {
        return store;
    }

    /**
     * Removes the blob from the repository. Refused while a manifest of the repository references
     * it, so no tagged image ever loses a layer; the bytes go when garbage collection finds no
     * repository links them.
     */
    public void unlink(String repository, Digest digest) {
        tx.executeWithoutResult(status -> {
            long repositoryId = repositories
                    .findId(repository)
                    .orElseThrow(() -> RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository"));
            if (!blobs.lockLink(repositoryId, digest)) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository");
            }
            if (blobs.referencedIn(repositoryId, digest)) {
                throw RegistryException.of(
                        ErrorCode.DENIED,
                        409,
                        "blob is referenced by a manifest of this repository; delete that first");
            }
            blobs.unlink(repositoryId, digest);
            reviews.blob(digest, "unlinked");
        });
    }
}
