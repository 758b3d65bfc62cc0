package dev.berth.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.quota.StorageQuota;
import dev.berth.storage.BlobStore;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Blob uploads: sessions, chunks in order, digest verification and the commit that makes a blob
 * visible. Bytes are hashed while they are written; a failed or short request leaves the upload
 * exactly as it was before that request.
 */
@Service
public class BlobUploadService {
    private static final Logger log = LoggerFactory.getLogger(BlobUploadService.class);

    private final BlobStore store;
    private final UploadSessionRecords sessions;
    private final BlobRecords blobs;
    private final RepositoryRecords repositories;
    private final RunningHashes hashes;
    private final ReviewQueue reviews;
    private final TransactionTemplate tx;
    private final StorageQuota quota;
    // Weak values: a lock lives exactly as long as some request holds or waits for it.
    private final Cache<UUID, ReentrantLock> locks =
            Caffeine.newBuilder().weakValues().build();

    BlobUploadService(
            BlobStore store,
            UploadSessionRecords sessions,
            BlobRecords blobs,
            RepositoryRecords repositories,
            RunningHashes hashes,
            ReviewQueue reviews,
            TransactionTemplate tx,
            StorageQuota quota) {
        this.quota = quota;
        this.store = store;
        this.sessions = sessions;
        this.blobs = blobs;
        this.repositories = repositories;
        this.hashes = hashes;
        this.reviews = reviews;
        this.tx = tx;
    }

    /**
     * A body as the request carries it: its declared length ({@code -1} when unknown) and its bytes.
     *
     * @param watcher follows the bytes into storage ({@link UploadWatcher#NONE} for a client's
     *     upload)
     */
    public record Body(long declaredLength, InputStream stream, UploadWatcher watcher) {
        public Body(long declaredLength, InputStream stream) {
            this(declaredLength, stream, UploadWatcher.NONE);
        }

        public boolean empty() {
            return declaredLength == 0;
        }
    }

    public UploadSession start(String repository, Digest.Algorithm algorithm) {
        UploadSession session = new UploadSession(UUID.randomUUID(), repository, algorithm, 0);
        try {
            store.createUpload(session.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sessions.create(session);
        return session;
    }

    /** Links a blob that {@code from} already has into {@code repository}; empty if it cannot. */
    public Optional<Digest> mount(String repository, Digest digest, String from) {
        if (!RepositoryName.isValid(from) || blobs.sizeIn(from, digest).isEmpty()) {
            return Optional.empty();
        }
        tx.executeWithoutResult(status -> {
            long repositoryId = repositories.ensure(repository);
            // Lock the blob row as a manifest push does, so GC cannot take it in between.
            long fromId = repositories.findId(from).orElseThrow();
            Map<Digest, Long> sizes = blobs.lockLinked(fromId, java.util.List.of(digest));
            if (sizes.isEmpty()) {
                throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, "blob vanished during mount");
            }
            quota.refusal(repository, digest.toString(), sizes.get(digest)).ifPresent(BlobUploadService::refuse);
            blobs.link(repositoryId, digest);
        });
        return Optional.of(digest);
    }

    /** Whether the repository already links the blob. */
    public boolean linked(String repository, Digest digest) {
        return RepositoryName.isValid(repository)
                && blobs.sizeIn(repository, digest).isPresent();
    }

    /**
     * Links a blob Berth already stores (for any repository) into {@code repository}, as a mount
     * does but without naming the source: how an import that meets the same layer twice avoids
     * copying it again. Empty when Berth has no such blob, or it is not {@code size} bytes long.
     */
    public Optional<Digest> linkStored(String repository, Digest digest, long size) {
        return Optional.ofNullable(tx.execute(status -> {
            // Locked as a manifest push locks it, so garbage collection cannot take it in between.
            OptionalLong stored = blobs.lockStored(digest);
            if (stored.isEmpty() || stored.getAsLong() != size) {
                return null;
            }
            long repositoryId = repositories.ensure(repository);
            quota.refusal(repository, digest.toString(), size).ifPresent(BlobUploadService::refuse);
            blobs.link(repositoryId, digest);
            return digest;
        }));
    }

    public UploadSession status(String repository, UUID id) {
        return find(repository, id);
    }

    public UploadSession append(String repository, UUID id, Optional<ContentRange> range, Body body) {
        return withLock(id, () -> {
            UploadSession session = find(repository, id);
            return write(session, range, body);
        });
    }

    /** Appends the final chunk if any, verifies the digest and commits the blob. */
    public Digest complete(String repository, UUID id, String digestParam, Optional<ContentRange> range, Body body) {
        Digest digest = parseDigest(digestParam);
        return withLock(id, () -> {
            UploadSession before = find(repository, id);
            UploadSession session = body.empty() && range.isEmpty() ? before : write(before, range, body);
            Digest actual = finish(session, digest.algorithm());
            if (!actual.equals(digest)) {
                rollback(session, before);
                throw RegistryException.withDetail(
                        ErrorCode.DIGEST_INVALID,
                        "digest of the uploaded content does not match",
                        Map.of("expected", digest.toString(), "actual", actual.toString()));
            }
            body.watcher().verified();
            commit(session, digest);
            return digest;
        });
    }

    /** {@code POST ?digest=}: the whole blob in one request. */
    public Digest monolithic(String repository, Digest digest, Body body) {
        if (body.declaredLength() >= 0) {
            // The size is known before any byte is read: refuse an over-quota blob without storing it.
            quota.refusal(repository, digest.toString(), body.declaredLength()).ifPresent(BlobUploadService::refuse);
        }
        UploadSession session = start(repository, digest.algorithm());
        try {
            if (body.watcher() != UploadWatcher.NONE) {
                follow(session, body.watcher());
            }
            return complete(repository, session.id(), digest.toString(), Optional.empty(), body);
        } catch (RuntimeException e) {
            cancelQuietly(session);
            throw e;
        }
    }

    /** Hands the watcher the upload's bytes to read as they are written, when the store can. */
    private void follow(UploadSession session, UploadWatcher watcher) {
        Optional<java.nio.channels.FileChannel> bytes;
        try {
            bytes = store.followUpload(session.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.ifPresent(watcher::readable);
    }

    public void cancel(String repository, UUID id) {
        withLock(id, () -> {
            UploadSession session = find(repository, id);
            cancelQuietly(session);
            return null;
        });
    }

    private UploadSession find(String repository, UUID id) {
        UploadSession session = sessions.find(id)
                .filter(s -> s.repository().equals(repository))
                .orElseThrow(() -> RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown"));
        return session;
    }

    private UploadSession write(UploadSession session, Optional<ContentRange> range, Body body) {
        long limit = Long.MAX_VALUE;
        if (range.isPresent()) {
            ContentRange r = range.get();
            if (r.start() != session.size()) {
                throw new RegistryException(
                        ErrorCode.BLOB_UPLOAD_INVALID,
                        416,
                        "chunk out of order: expected offset " + session.size(),
                        null,
                        UploadHeaders.of(session));
            }
            if (body.declaredLength() >= 0 && body.declaredLength() != r.length()) {
                throw RegistryException.of(ErrorCode.SIZE_INVALID, "Content-Length does not match Content-Range");
            }
            limit = r.length();
        } else if (body.declaredLength() >= 0) {
            limit = body.declaredLength();
        }
        MessageDigest hasher = hasherAt(session);
        MessageDigest saved = copy(hasher);
        long written;
        try {
            written = store.append(session.id(), session.size(), body.stream(), limit, hasher, body.watcher()::written);
            if (limit != Long.MAX_VALUE && (written != limit || body.stream().read() != -1)) {
                throw RegistryException.of(ErrorCode.SIZE_INVALID, "body length does not match the declared length");
            }
        } catch (IOException | RuntimeException e) {
            restore(session, saved);
            if (e instanceof RegistryException re) {
                throw re;
            }
            log.info(
                    "event=upload_interrupted upload={} offset={} reason=\"{}\"",
                    session.id(),
                    session.size(),
                    e.toString());
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_INVALID, "upload interrupted: body incomplete");
        }
        long size = session.size() + written;
        if (!sessions.advance(session.id(), session.size(), size, contentDigest(session.algorithm(), hasher))) {
            restore(session, saved);
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_INVALID, "concurrent writes to one upload");
        }
        hashes.put(session.id(), hasher, size);
        return new UploadSession(session.id(), session.repository(), session.algorithm(), size);
    }

    /** Puts the upload back to its size before the failed request, bytes and hash alike. */
    private void restore(UploadSession session, MessageDigest saved) {
        try {
            store.truncateUpload(session.id(), session.size());
            hashes.put(session.id(), saved, session.size());
        } catch (IOException e) {
            hashes.forget(session.id());
            log.warn("event=upload_restore_failed upload={} reason=\"{}\"", session.id(), e.toString());
        }
    }

    private void rollback(UploadSession session, UploadSession before) {
        if (session.size() == before.size()) {
            return;
        }
        MessageDigest hasher = hasherAtOrNull(before);
        restore(before, hasher);
        sessions.advance(session.id(), session.size(), before.size(), contentDigest(before.algorithm(), hasher));
    }

    private MessageDigest hasherAtOrNull(UploadSession session) {
        hashes.forget(session.id());
        return rehash(session.id(), session.algorithm(), session.size());
    }

    private Digest finish(UploadSession session, Digest.Algorithm algorithm) {
        MessageDigest hasher;
        if (algorithm == session.algorithm()) {
            hasher = copy(hasherAt(session));
            hashes.put(session.id(), copy(hasher), session.size());
        } else {
            // The client announced one algorithm and finished with another: hash again, once.
            hasher = rehash(session.id(), algorithm, session.size());
        }
        return Digest.fromHasher(algorithm, hasher);
    }

    /**
     * Places the bytes and inserts the row in one transaction that holds the digest's shared
     * advisory lock from before the rename until the row is committed. Garbage collection deletes
     * bytes only under the exclusive lock and only when no row exists, so it can never remove
     * bytes that an upload has just put in place and is about to record.
     */
    private void commit(UploadSession session, Digest digest) {
        Optional<String> refused;
        try {
            refused = place(session, digest);
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            // The upload's bytes are gone: another replica took an earlier attempt of this PUT (a
            // balancer retried it), placed the bytes and died before recording them. This upload
            // cannot complete; the client starts it again. The placed bytes have no row and are
            // swept by garbage collection.
            sessions.delete(session.id());
            hashes.forget(session.id());
            log.info("event=upload_data_missing upload={} digest={}", session.id(), digest);
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload data is missing");
        }
        if (refused.isPresent()) {
            // Over quota: nothing was stored, and the upload goes so its bytes do not linger.
            cancelQuietly(session);
            refuse(refused.get());
        }
        hashes.forget(session.id());
        log.debug("event=blob_committed repository={} digest={} size={}", session.repository(), digest, session.size());
    }

    /** Stages and commits the bytes and records the blob; the quota refusal, if any, with nothing placed. */
    private Optional<String> place(UploadSession session, Digest digest) {
        if (digest.algorithm() != session.algorithm()) {
            // The session names the digest of its bytes in its own algorithm: name this one before
            // placing anything, so that bytes placed and never recorded are still found by GC.
            sessions.placing(session.id(), digest);
        }
        try {
            // An object store composes the bytes here, before the transaction, so no database
            // connection waits on a server-side copy; the commit below then only checks them.
            store.stageUpload(session.id(), digest, session.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tx.execute(status -> {
            blobs.lockBytesShared(digest);
            // Checked before the rename, under the project's quota lock held until this commits.
            Optional<String> refusal = quota.refusal(session.repository(), digest.toString(), session.size());
            if (refusal.isPresent()) {
                return refusal;
            }
            try {
                store.commitUpload(session.id(), digest, session.size());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!blobs.recordUpload(
                    digest, session.size(), session.repository(), session.id(), reviews.entry("uploaded"))) {
                blobs.link(repositories.ensure(session.repository()), digest);
            }
            return Optional.<String>empty();
        });
    }

    private MessageDigest hasherAt(UploadSession session) {
        return hashes.take(session.id(), session.size())
                .orElseGet(() -> rehash(session.id(), session.algorithm(), session.size()));
    }

    private MessageDigest rehash(UUID id, Digest.Algorithm algorithm, long size) {
        MessageDigest hasher = algorithm.newHasher();
        try (InputStream in = store.openUpload(id)) {
            byte[] buffer = new byte[256 * 1024];
            long remaining = size;
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload data is missing");
                }
                hasher.update(buffer, 0, n);
                remaining -= n;
            }
        } catch (NoSuchFileException e) {
            sessions.delete(id);
            throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload data is missing");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size > 0) {
            log.info("event=upload_rehashed upload={} bytes={}", id, size);
        }
        return hasher;
    }

    private void cancelQuietly(UploadSession session) {
        sessions.delete(session.id());
        hashes.forget(session.id());
        try {
            store.deleteUpload(session.id());
        } catch (IOException e) {
            log.warn("event=upload_delete_failed upload={} reason=\"{}\"", session.id(), e.toString());
        }
    }

    private static void refuse(String message) {
        throw RegistryException.of(ErrorCode.DENIED, 403, message);
    }

    static Digest parseDigest(String text) {
        if (text == null || text.isEmpty()) {
            throw RegistryException.of(ErrorCode.DIGEST_INVALID, "digest parameter is required");
        }
        return Digest.parse(text)
                .orElseThrow(() -> RegistryException.of(ErrorCode.DIGEST_INVALID, "unsupported or malformed digest"));
    }

    /** The digest of what {@code hasher} has seen, leaving it as it is; null without a hasher. */
    private static Digest contentDigest(Digest.Algorithm algorithm, MessageDigest hasher) {
        return hasher == null ? null : Digest.fromHasher(algorithm, copy(hasher));
    }

    private static MessageDigest copy(MessageDigest hasher) {
        try {
            return (MessageDigest) hasher.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("hash state cannot be copied", e);
        }
    }

    private <T> T withLock(UUID id, java.util.function.Supplier<T> work) {
        ReentrantLock lock = locks.get(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
