package dev.berth.proxy;

import dev.berth.project.Project;
import dev.berth.registry.Descriptor;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.ManifestParser;
import dev.berth.registry.ParsedManifest;
import dev.berth.registry.PullThrough;
import dev.berth.registry.RegistryContent;
import dev.berth.registry.RegistryException;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pull-through for proxy-cache projects.
 *
 * <p><b>Invariant</b> (as the blob commit's): nothing the upstream sends is stored or served
 * unverified. A blob goes through {@link RegistryContent#putBlob}, the upload path, which hashes
 * the bytes while writing them aside and commits only a matching digest, so a lying or broken
 * upstream leaves nothing behind; a manifest is stored only when its bytes hash to the digest the
 * upstream advertised (or the client asked for), and only after every blob and child it references
 * is stored, through {@link RegistryContent#putManifest}, the push path, so quotas, tag
 * immutability, GC references, artifact listings and events apply unchanged. A client is answered
 * from storage after that: it never gets a partial manifest or an unverified blob.
 *
 * <p>A cached tag is asked about with one HEAD at most every {@link
 * ProxyCacheSettings#revalidateAfter()}; the same digest downloads nothing, another one fetches the
 * new manifest and moves the tag. When the upstream cannot answer, cached content is served
 * (stale, logged) and uncached content fails with {@code UNAVAILABLE} (503) or, when the upstream
 * asked to wait, {@code TOOMANYREQUESTS} (429) with {@code Retry-After}.
 *
 * <p>Concurrent misses of the same manifest or blob make one upstream request ({@link
 * SingleFlight}): waiters are answered from storage once the fetch has stored and verified it.
 */
@Component
class ProxyCache implements PullThrough {
    private static final Logger log = LoggerFactory.getLogger(ProxyCache.class);

    private final ProxyProjects projects;
    private final RegistryContent content;
    private final TagStates tags;
    private final ProxyCacheSettings settings;
    private final Clock clock;
    private final SingleFlight<String, Boolean> flights = new SingleFlight<>();

    ProxyCache(
            ProxyProjects projects, RegistryContent content, TagStates tags, ProxyCacheSettings settings, Clock clock) {
        this.projects = projects;
        this.content = content;
        this.tags = tags;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void checkPush(String repository) {
        Optional<Project> project = projects.proxyProject(repository);
        if (project.isPresent()) {
            throw RegistryException.of(
                    ErrorCode.DENIED,
                    "can not push artifact to a proxy project: " + project.get().name());
        }
    }

    @Override
    public String mirrored(String repository) {
        return projects.mirrored(repository);
    }

    @Override
    public void beforeManifest(String repository, String reference) {
        Optional<ProxyProjects.Target> target = projects.target(repository);
        if (target.isEmpty()) {
            return;
        }
        if (Digest.looksLikeDigest(reference)) {
            Optional<Digest> digest = Digest.parse(reference);
            if (digest.isPresent()) {
                guarded(() -> manifestByDigest(target.get(), repository, digest.get()));
            }
        } else if (dev.berth.registry.RepositoryName.isValidTag(reference)) {
            tag(target.get(), repository, reference);
        }
    }

    @Override
    public void beforeBlob(String repository, Digest digest) {
        Optional<ProxyProjects.Target> target = projects.target(repository);
        if (target.isPresent()) {
            guarded(() -> blob(target.get(), repository, digest, -1));
        }
    }

    // ---- tags ---------------------------------------------------------------------------------

    private void tag(ProxyProjects.Target target, String repository, String tag) {
        Optional<RegistryContent.Manifest> cached = content.manifest(repository, tag);
        if (cached.isPresent() && fresh(repository, tag, cached.get().digest())) {
            return;
        }
        try {
            flights.run("tag " + repository + ":" + tag, () -> {
                revalidate(target, repository, tag);
                return true;
            });
        } catch (UpstreamUnavailable e) {
            if (content.manifest(repository, tag).isPresent()) {
                tags.markStale(repository, tag);
                log.warn("event=proxy_serve_stale repository={} tag={} reason=\"{}\"", repository, tag, e.getMessage());
                return;
            }
            throw unavailable(e);
        }
    }

    private boolean fresh(String repository, String tag, Digest cached) {
        Optional<TagStates.State> state = tags.find(repository, tag);
        return state.isPresent()
                && state.get().upstreamDigest().equals(cached)
                && clock.instant().isBefore(state.get().checkedAt().plus(settings.revalidateAfter()));
    }

    /** Asks the upstream what the tag names now (a HEAD when a copy is cached) and stores it if new. */
    private void revalidate(ProxyProjects.Target target, String repository, String tag) {
        Optional<RegistryContent.Manifest> cached = content.manifest(repository, tag);
        if (cached.isPresent() && fresh(repository, tag, cached.get().digest())) {
            return; // another fetch has just answered
        }
        Upstream upstream = target.upstream();
        Instant asked = clock.instant();
        if (cached.isPresent()) {
            Optional<Digest> now = upstream.head(target.upstreamRepository(), tag);
            if (now.isEmpty()) {
                goneUpstream(target, repository, tag);
                return;
            }
            if (now.get().equals(cached.get().digest())) {
                tags.checked(repository, tag, now.get(), asked);
                return;
            }
            log.info(
                    "event=proxy_tag_moved repository={} tag={} from={} to={}",
                    repository,
                    tag,
                    cached.get().digest(),
                    now.get());
        }
        Optional<Upstream.Manifest> fetched = upstream.manifest(target.upstreamRepository(), tag);
        if (fetched.isEmpty()) {
            goneUpstream(target, repository, tag);
            return;
        }
        Upstream.Manifest m = fetched.get();
        Digest digest = verifiedDigest(m, m.advertised(), repository + ":" + tag);
        store(target, repository, digest, m);
        content.putManifest(repository, tag, mediaType(m), m.content());
        tags.checked(repository, tag, digest, asked);
        log.info("event=proxy_tag_cached repository={} tag={} digest={}", repository, tag, digest);
    }

    /** The upstream has no such tag: Harbor's answer is 404, or the cached copy when the project says so. */
    private void goneUpstream(ProxyProjects.Target target, String repository, String tag) {
        if (target.localOnNotFound() && content.manifest(repository, tag).isPresent()) {
            return;
        }
        throw RegistryException.withDetail(
                ErrorCode.MANIFEST_UNKNOWN, "manifest unknown to the upstream registry", Map.of("tag", tag));
    }

    // ---- manifests by digest ------------------------------------------------------------------

    private void manifestByDigest(ProxyProjects.Target target, String repository, Digest digest) {
        if (content.manifest(repository, digest.toString()).isPresent()) {
            return;
        }
        flights.run("manifest " + repository + "@" + digest, () -> {
            if (content.manifest(repository, digest.toString()).isPresent()) {
                return true;
            }
            Upstream.Manifest m = target.upstream()
                    .manifest(target.upstreamRepository(), digest.toString())
                    .orElseThrow(() -> RegistryException.withDetail(
                            ErrorCode.MANIFEST_UNKNOWN,
                            "manifest unknown to the upstream registry",
                            Map.of("digest", digest.toString())));
            verifiedDigest(m, Optional.of(digest), repository + "@" + digest);
            store(target, repository, digest, m);
            return true;
        });
    }

    /**
     * Stores a manifest by digest after everything it references: an image's blobs (fetched in
     * parallel), an index's children (each with its blobs).
     */
    private void store(ProxyProjects.Target target, String repository, Digest digest, Upstream.Manifest m) {
        ParsedManifest parsed;
        try {
            parsed = ManifestParser.parse(m.mediaType(), m.content());
        } catch (RegistryException e) {
            throw upstreamLied(repository, digest, "a manifest this registry does not accept: " + e.getMessage());
        }
        List<Runnable> fetches = new ArrayList<>();
        switch (parsed) {
            case ParsedManifest.ImageManifest image -> {
                Map<Digest, Long> blobs = new LinkedHashMap<>();
                blobs.put(image.config().digest(), image.config().size());
                image.layers().stream()
                        .filter(l -> !l.isExternal())
                        .forEach(l -> blobs.putIfAbsent(l.digest(), l.size()));
                blobs.forEach((d, size) -> fetches.add(() -> blob(target, repository, d, size)));
            }
            case ParsedManifest.ImageIndex index ->
                index.manifests().stream()
                        .map(Descriptor::digest)
                        .distinct()
                        .forEach(d -> fetches.add(() -> manifestByDigest(target, repository, d)));
        }
        runAll(fetches);
        content.putManifest(repository, digest.toString(), mediaType(m), m.content());
    }

    private static void runAll(List<Runnable> tasks) {
        if (tasks.size() == 1) {
            tasks.getFirst().run();
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            tasks.forEach(t -> futures.add(pool.submit(t)));
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UpstreamUnavailable("interrupted while fetching", e);
                }
            }
        }
    }

    // ---- blobs --------------------------------------------------------------------------------

    private void blob(ProxyProjects.Target target, String repository, Digest digest, long size) {
        if (content.blobSize(repository, digest).isPresent()) {
            return;
        }
        flights.run("blob " + repository + "@" + digest, () -> {
            if (content.blobSize(repository, digest).isPresent()) {
                return true;
            }
            Upstream.Blob blob = target.upstream()
                    .blob(target.upstreamRepository(), digest)
                    .orElseThrow(() -> RegistryException.withDetail(
                            ErrorCode.BLOB_UNKNOWN,
                            "blob unknown to the upstream registry",
                            Map.of("digest", digest.toString())));
            long length = blob.length().orElse(size);
            if (size >= 0 && length != size) {
                closeQuietly(blob.content());
                throw upstreamLied(repository, digest, length + " bytes where the manifest says " + size);
            }
            try (InputStream in = Throttle.of(blob.content(), target.speedKb())) {
                content.putBlob(repository, digest, length, in);
            } catch (RegistryException e) {
                if (e.code() == ErrorCode.DIGEST_INVALID || e.code() == ErrorCode.SIZE_INVALID) {
                    throw upstreamLied(repository, digest, "bytes that do not match the digest");
                }
                if (e.code() == ErrorCode.BLOB_UPLOAD_INVALID) {
                    throw new UpstreamUnavailable("the blob's transfer broke off: " + e.getMessage(), e);
                }
                throw e;
            } catch (IOException | UncheckedIOException e) {
                throw new UpstreamUnavailable("the blob's transfer broke off", e);
            }
            log.info("event=proxy_blob_cached repository={} digest={} bytes={}", repository, digest, length);
            return true;
        });
    }

    // ---- verification and errors --------------------------------------------------------------

    /** The manifest's digest, after checking it against the one the upstream advertised or the client asked for. */
    private static Digest verifiedDigest(Upstream.Manifest m, Optional<Digest> expected, String what) {
        Digest actual = Digest.of(expected.map(Digest::algorithm).orElse(Digest.Algorithm.SHA256), m.content());
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw upstreamLied(what, expected.get(), "a manifest whose bytes hash to " + actual);
        }
        return actual;
    }

    private static String mediaType(Upstream.Manifest m) {
        return m.mediaType().isEmpty() ? ManifestParser.parse("", m.content()).mediaType() : m.mediaType();
    }

    private static RegistryException upstreamLied(String what, Digest digest, String sent) {
        log.warn("event=proxy_upstream_digest_mismatch target={} digest={} sent=\"{}\"", what, digest, sent);
        return new RegistryException(
                ErrorCode.UNAVAILABLE,
                502,
                "the upstream registry sent " + sent + " for " + digest + "; nothing was stored",
                null,
                Map.of());
    }

    /** Runs a fetch, turning an unavailable upstream into the registry error a client gets. */
    private static void guarded(Runnable fetch) {
        try {
            fetch.run();
        } catch (UpstreamUnavailable e) {
            throw unavailable(e);
        }
    }

    private static RegistryException unavailable(UpstreamUnavailable e) {
        log.info("event=proxy_upstream_unavailable reason=\"{}\"", e.getMessage());
        Optional<Duration> wait = e.retryAfter().filter(d -> !d.isZero());
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds());
            return new RegistryException(
                    ErrorCode.TOOMANYREQUESTS,
                    429,
                    "the upstream registry asked to wait and the content is not cached",
                    null,
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        return new RegistryException(
                ErrorCode.UNAVAILABLE,
                503,
                "the upstream registry cannot be reached and the content is not cached: " + e.getMessage(),
                null,
                Map.of());
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | UncheckedIOException ignored) {
            // refused before reading
        }
    }
}
