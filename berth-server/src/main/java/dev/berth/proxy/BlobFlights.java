package dev.berth.proxy;

import dev.berth.registry.ErrorCode;
import dev.berth.registry.RegistryContent;
import dev.berth.registry.RegistryException;
import dev.berth.storage.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blob fetches running in this replica, at most one per repository and digest: any number of
 * clients (and the fetch of the image that references the blob) share it and read it as it
 * arrives ({@link BlobFetch}). The fetch runs on its own virtual thread, so a client that goes
 * away does not abort it. A fetch leaves the table only after the blob is stored (or has failed),
 * so a caller finds either the running fetch or the stored blob.
 */
final class BlobFlights {
    private static final Logger log = LoggerFactory.getLogger(BlobFlights.class);

    /** At most this much is read from the upstream before the store's upload has started. */
    private static final int FIRST_READ = 64 * 1024;

    private final ConcurrentHashMap<String, BlobFetch> running = new ConcurrentHashMap<>();
    private final RegistryContent content;
    private final Path spoolDir;
    private final UpstreamSlots slots = new UpstreamSlots();
    private final FetchLeases leases;

    BlobFlights(RegistryContent content, Path spoolDir, FetchLeases leases) {
        this.content = content;
        this.spoolDir = spoolDir;
        this.leases = leases;
    }

    /**
     * The running fetch of the blob into the repository, started when none runs; empty when
     * storage has the blob.
     *
     * @param sizeHint the size the manifest gives, or -1
     */
    Optional<BlobFetch> fetch(ProxyProjects.Target target, String repository, Digest digest, long sizeHint) {
        String key = repository + "@" + digest;
        BlobFetch known = running.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        if (content.blobSize(repository, digest).isPresent()) {
            return Optional.empty();
        }
        BlobFetch mine = new BlobFetch(spoolDir, offset -> content.openBlob(repository, digest, offset));
        BlobFetch raced = running.putIfAbsent(key, mine);
        if (raced != null) {
            mine.failed(new IllegalStateException("another fetch started first"));
            return Optional.of(raced);
        }
        // A fetch that ended just before ours was registered has stored the blob: it leaves the
        // table only after storing.
        if (content.blobSize(repository, digest).isPresent()) {
            running.remove(key, mine);
            mine.failed(new IllegalStateException("stored meanwhile"));
            return Optional.empty();
        }
        Thread.ofVirtual().name("proxy-blob").start(() -> run(target, repository, digest, sizeHint, key, mine));
        return Optional.of(mine);
    }

    /** How many blob fetches are running now. */
    int size() {
        return running.size();
    }

    private void run(
            ProxyProjects.Target target, String repository, Digest digest, long sizeHint, String key, BlobFetch fetch) {
        boolean leased = false;
        try {
            while (!(leased = leases.acquire(key))) {
                OptionalLong stored = storedElsewhere(repository, digest, key);
                if (stored.isPresent()) {
                    running.remove(key, fetch);
                    fetch.storedElsewhere(stored.getAsLong());
                    log.info(
                            "event=proxy_blob_fetched_elsewhere repository={} digest={} bytes={}",
                            repository,
                            digest,
                            stored.getAsLong());
                    return;
                }
                // The other replica's fetch failed or it died (its lease expired): take it over.
            }
            fetchUpstream(target, repository, digest, sizeHint, key, fetch);
        } catch (Throwable t) {
            running.remove(key, fetch);
            fetch.failed(t);
            log.info(
                    "event=proxy_blob_failed repository={} digest={} reason=\"{}\"",
                    repository,
                    digest,
                    t.getMessage());
        } finally {
            if (leased) {
                leases.release(key);
            }
        }
    }

    /** How often a replica waiting for another's fetch looks for the stored blob. */
    private static final Duration ELSEWHERE_POLL = Duration.ofMillis(100);

    /**
     * Waits while another replica holds the blob's lease: the blob's size once that replica has
     * stored it, or empty once the lease is gone without it (failed, or expired with its replica).
     */
    private OptionalLong storedElsewhere(String repository, Digest digest, String key) throws InterruptedException {
        while (true) {
            Thread.sleep(ELSEWHERE_POLL);
            Optional<Long> size = content.blobSize(repository, digest);
            if (size.isPresent()) {
                return OptionalLong.of(size.get());
            }
            if (!leases.held(key)) {
                // stored, then released: look once more
                return content.blobSize(repository, digest)
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty());
            }
        }
    }

    private void fetchUpstream(
            ProxyProjects.Target target, String repository, Digest digest, long sizeHint, String key, BlobFetch fetch)
            throws InterruptedException {
        try (UpstreamSlots.Slot slot = slots.acquire(target)) {
            Upstream upstream = target.upstream();
            Upstream.Blob blob = upstream.blob(target.upstreamRepository(), digest)
                    .orElseThrow(() -> RegistryException.withDetail(
                            ErrorCode.BLOB_UNKNOWN,
                            "blob unknown to the upstream registry",
                            Map.of("digest", digest.toString())));
            long length = blob.length().orElse(sizeHint);
            if (sizeHint >= 0 && length != sizeHint) {
                closeQuietly(blob.content());
                throw ProxyCache.upstreamLied(
                        repository, digest, length + " bytes where the manifest says " + sizeHint);
            }
            fetch.sized(length);
            InputStream source = new ResumingStream(
                    blob.content(),
                    length,
                    offset -> upstream.blob(target.upstreamRepository(), digest, offset)
                            .orElseThrow(() -> new UpstreamUnavailable(
                                    "the blob went from the upstream mid-transfer", Optional.empty()))
                            .content(),
                    repository + "@" + digest);
            InputStream throttled = Throttle.of(source, target.speedKb());
            try (InputStream in = fetch.tee(throttled)) {
                // The first bytes go to the waiting clients (from memory) before the store starts
                // its upload (a quota check and a session row first), which then writes them too.
                byte[] first = new byte[FIRST_READ];
                int n = length == 0 ? 0 : Math.max(0, throttled.read(first));
                fetch.head(first, n);
                // The upload writes the bytes once, hashing them as it goes; readers follow its file
                // (or, for an object store, the tee's spool), and may have the last byte once the
                // bytes match (before the commit's fsync and transaction).
                content.putBlob(
                        repository,
                        digest,
                        length,
                        new SequenceInputStream(new ByteArrayInputStream(first, 0, n), in),
                        fetch);
            } catch (RegistryException e) {
                if (e.code() == ErrorCode.DIGEST_INVALID || e.code() == ErrorCode.SIZE_INVALID) {
                    throw ProxyCache.upstreamLied(repository, digest, "bytes that do not match the digest");
                }
                if (e.code() == ErrorCode.BLOB_UPLOAD_INVALID) {
                    throw new UpstreamUnavailable("the blob's transfer broke off: " + e.getMessage(), e);
                }
                throw e;
            } catch (IOException | UncheckedIOException e) {
                throw new UpstreamUnavailable("the blob's transfer broke off", e);
            }
            running.remove(key, fetch);
            fetch.stored();
            log.info("event=proxy_blob_cached repository={} digest={} bytes={}", repository, digest, length);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | UncheckedIOException ignored) {
            // refused before reading
        }
    }
}
