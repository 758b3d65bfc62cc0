package dev.berth.proxy;

import dev.berth.config.BerthProperties;
import dev.berth.iam.ProjectAccess;
import dev.berth.iam.ProjectScope;
import dev.berth.project.Project;
import dev.berth.registry.Descriptor;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.ManifestParser;
import dev.berth.registry.ParsedManifest;
import dev.berth.registry.PullThrough;
import dev.berth.registry.RegistryContent;
import dev.berth.registry.RegistryException;
import dev.berth.storage.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pull-through for proxy-cache projects.
 *
 * <p><b>Invariant</b> (as the blob commit's): nothing the upstream sends is stored unverified, and
 * nothing unverified is served whole. A blob goes through {@link RegistryContent#putBlob}, the
 * upload path, which hashes the bytes while writing them aside and commits only a matching digest,
 * so a lying or broken upstream leaves nothing behind; clients read it while it arrives ({@link
 * BlobFetch}), but never its last byte before its bytes are verified against the digest. A manifest is served only when its
 * bytes hash to the digest the upstream advertised (or the client asked for), and stored only
 * after every blob and child it references is stored, through {@link RegistryContent#putManifest},
 * the push path, so quotas, tag immutability, GC references, artifact listings and events apply
 * unchanged.
 *
 * <p>A first pull does not wait for the image to be stored: the verified manifest is answered at
 * once while the image is cached in the background (when no pull policy guards the project; a
 * guarded pull waits for the stored artifact, which the policy judges), and each blob streams to
 * every client that asks for it while it is being fetched. Concurrent misses of the same manifest
 * or blob make one upstream request ({@link SingleFlight}, {@link BlobFlights}).
 *
 * <p>A cached tag is asked about with one HEAD at most every {@link
 * ProxyCacheSettings#revalidateAfter()}; the same digest downloads nothing, another one fetches the
 * new manifest and moves the tag. When the upstream cannot answer, cached content is served
 * (stale, logged) and uncached content fails with {@code UNAVAILABLE} (503) or, when the upstream
 * asked to wait, {@code TOOMANYREQUESTS} (429) with {@code Retry-After}.
 */
@Component
class ProxyCache implements PullThrough {
    private static final Logger log = LoggerFactory.getLogger(ProxyCache.class);

    private final ProxyProjects projects;
    private final RegistryContent content;
    private final TagStates tags;
    private final ProxyCacheSettings settings;
    private final Clock clock;
    private final ProjectAccess access;
    private final SingleFlight<String, Optional<Caching>> flights = new SingleFlight<>();
    private final BlobFlights blobs;
    /** Manifests verified and being stored, by {@code repo:tag} and {@code repo@digest}. */
    private final ConcurrentHashMap<String, Caching> caching = new ConcurrentHashMap<>();

    ProxyCache(
            ProxyProjects projects,
            RegistryContent content,
            TagStates tags,
            ProxyCacheSettings settings,
            Clock clock,
            BerthProperties properties,
            ProjectAccess access,
            FetchLeases leases) {
        this.access = access;
        this.projects = projects;
        this.content = content;
        this.tags = tags;
        this.settings = settings;
        this.clock = clock;
        this.blobs = new BlobFlights(content, properties.dataDir().resolve("proxy-spool"), leases);
    }

    /** How many blob fetches run on this replica (for tests). */
    int runningBlobFetches() {
        return blobs.size();
    }

    /** A verified manifest on its way into storage; {@code stored} completes once it (and the tag) is there. */
    record Caching(RegistryContent.Manifest manifest, CompletableFuture<Void> stored) {}

    @Override
    public void checkPush(String repository) {
        // The project lookup the guard has just made, cached: whether a project is a proxy cache is
        // fixed when it is created, so a push into any other project costs no query here.
        if (access.findProject(dev.berth.registry.PullPolicy.projectOf(repository))
                .filter(ProjectScope::proxyCache)
                .isEmpty()) {
            return;
        }
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
    public Optional<Unstored> beforeManifest(String repository, String reference, Predicate<String> servable) {
        Optional<ProxyProjects.Target> target = projects.target(repository);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        if (Digest.looksLikeDigest(reference)) {
            Optional<Digest> digest = Digest.parse(reference);
            if (digest.isPresent()) {
                return guarded(() ->
                        manifestByDigest(target.get(), repository, digest.get()).flatMap(c -> answer(c, servable)));
            }
        } else if (dev.berth.registry.RepositoryName.isValidTag(reference)) {
            return tag(target.get(), repository, reference, servable);
        }
        return Optional.empty();
    }

    @Override
    public Optional<StreamedBlob> beforeBlob(String repository, Digest digest) {
        Optional<ProxyProjects.Target> target = projects.target(repository);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        return guarded(() -> {
            Optional<BlobFetch> fetch = blobs.fetch(target.get(), repository, digest, -1);
            if (fetch.isEmpty()) {
                return Optional.empty();
            }
            long size = await(fetch.get().whenSized());
            if (size < 0) {
                // No length from the upstream: no Content-Length to answer with before the end.
                await(fetch.get().whenDone());
                return Optional.empty();
            }
            return Optional.of(fetch.get());
        });
    }

    /**
     * The verified manifest to answer with when the servlet may serve it unstored; else waits
     * until it is stored (answering from storage then).
     */
    private static Optional<Unstored> answer(Caching c, Predicate<String> servable) {
        if (servable.test(c.manifest().mediaType())) {
            return Optional.of(new Unstored(c.manifest(), c.stored()));
        }
        await(c.stored());
        return Optional.empty();
    }

    // ---- tags ---------------------------------------------------------------------------------

    private Optional<Unstored> tag(
            ProxyProjects.Target target, String repository, String tag, Predicate<String> servable) {
        Optional<RegistryContent.Manifest> cached = content.manifest(repository, tag);
        if (cached.isPresent() && fresh(repository, tag, cached.get().digest())) {
            return Optional.empty();
        }
        try {
            Caching pending = caching.get(tagKey(repository, tag));
            if (pending != null) {
                return answer(pending, servable);
            }
            return flights.run("tag " + tagKey(repository, tag), () -> revalidate(target, repository, tag))
                    .flatMap(c -> answer(c, servable));
        } catch (UpstreamUnavailable e) {
            if (content.manifest(repository, tag).isPresent()) {
                tags.markStale(repository, tag);
                log.warn("event=proxy_serve_stale repository={} tag={} reason=\"{}\"", repository, tag, e.getMessage());
                return Optional.empty();
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

    /**
     * Asks the upstream what the tag names now (a HEAD when a copy is cached); a new manifest is
     * verified and its caching started. Empty when storage answers.
     */
    private Optional<Caching> revalidate(ProxyProjects.Target target, String repository, String tag) {
        Optional<RegistryContent.Manifest> cached = content.manifest(repository, tag);
        if (cached.isPresent() && fresh(repository, tag, cached.get().digest())) {
            return Optional.empty(); // another fetch has just answered
        }
        Caching pending = caching.get(tagKey(repository, tag));
        if (pending != null) {
            return Optional.of(pending);
        }
        Upstream upstream = target.upstream();
        Instant asked = clock.instant();
        if (cached.isPresent()) {
            Optional<Digest> now = upstream.head(target.upstreamRepository(), tag);
            if (now.isEmpty()) {
                goneUpstream(target, repository, tag);
                return Optional.empty();
            }
            if (now.get().equals(cached.get().digest())) {
                tags.checked(repository, tag, now.get(), asked);
                return Optional.empty();
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
            return Optional.empty();
        }
        Upstream.Manifest m = fetched.get();
        Digest digest = verifiedDigest(m, m.advertised(), repository + ":" + tag);
        Caching byDigest = cache(target, repository, digest, m);
        Caching byTag = new Caching(
                byDigest.manifest(),
                byDigest.stored()
                        .thenRunAsync(
                                () -> {
                                    RegistryContent.Manifest verified = byDigest.manifest();
                                    content.putManifest(repository, tag, verified.mediaType(), verified.content());
                                    tags.checked(repository, tag, digest, asked);
                                    log.info(
                                            "event=proxy_tag_cached repository={} tag={} digest={}",
                                            repository,
                                            tag,
                                            digest);
                                },
                                BACKGROUND));
        String key = tagKey(repository, tag);
        caching.put(key, byTag);
        byTag.stored().whenComplete((ok, failed) -> {
            caching.remove(key, byTag);
            if (failed != null) {
                log.warn(
                        "event=proxy_cache_failed repository={} tag={} reason=\"{}\"",
                        repository,
                        tag,
                        cause(failed).getMessage());
            }
        });
        return Optional.of(byTag);
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

    /** A manifest by digest: empty when stored, else its caching (started now when none runs). */
    private Optional<Caching> manifestByDigest(ProxyProjects.Target target, String repository, Digest digest) {
        if (content.manifest(repository, digest.toString()).isPresent()) {
            return Optional.empty();
        }
        Caching pending = caching.get(digestKey(repository, digest));
        if (pending != null) {
            return Optional.of(pending);
        }
        return flights.run("manifest " + digestKey(repository, digest), () -> {
            if (content.manifest(repository, digest.toString()).isPresent()) {
                return Optional.empty();
            }
            Caching again = caching.get(digestKey(repository, digest));
            if (again != null) {
                return Optional.of(again);
            }
            Upstream.Manifest m = target.upstream()
                    .manifest(target.upstreamRepository(), digest.toString())
                    .orElseThrow(() -> RegistryException.withDetail(
                            ErrorCode.MANIFEST_UNKNOWN,
                            "manifest unknown to the upstream registry",
                            Map.of("digest", digest.toString())));
            verifiedDigest(m, Optional.of(digest), repository + "@" + digest);
            return Optional.of(cache(target, repository, digest, m));
        });
    }

    /**
     * Starts storing a verified manifest in the background: every blob (fetched in parallel,
     * streamed to any client that asks meanwhile) or, for an index, every child with its blobs,
     * then the manifest. The returned caching answers pulls of the digest until then.
     */
    private Caching cache(ProxyProjects.Target target, String repository, Digest digest, Upstream.Manifest m) {
        ParsedManifest parsed;
        try {
            parsed = ManifestParser.parse(m.mediaType(), m.content());
        } catch (RegistryException e) {
            throw upstreamLied(repository, digest, "a manifest this registry does not accept: " + e.getMessage());
        }
        String key = digestKey(repository, digest);
        RegistryContent.Manifest verified = new RegistryContent.Manifest(digest, mediaType(m), m.content());
        Caching mine = new Caching(verified, new CompletableFuture<>());
        Caching known = caching.putIfAbsent(key, mine);
        if (known != null) {
            return known;
        }
        BACKGROUND.execute(() -> {
            try {
                storeReferenced(target, repository, parsed);
                content.putManifest(repository, digest.toString(), verified.mediaType(), verified.content());
                caching.remove(key, mine);
                mine.stored().complete(null);
            } catch (Throwable t) {
                caching.remove(key, mine);
                mine.stored().completeExceptionally(t);
            }
        });
        return mine;
    }

    /** Stores what a manifest references, waiting for all of it: an image's blobs, an index's children. */
    private void storeReferenced(ProxyProjects.Target target, String repository, ParsedManifest parsed) {
        List<CompletableFuture<?>> parts = new ArrayList<>();
        switch (parsed) {
            case ParsedManifest.ImageManifest image -> {
                Map<Digest, Long> referenced = new LinkedHashMap<>();
                referenced.put(image.config().digest(), image.config().size());
                image.layers().stream()
                        .filter(l -> !l.isExternal())
                        .forEach(l -> referenced.putIfAbsent(l.digest(), l.size()));
                // A few at a time: a client asking for a blob starts (or joins) its fetch at once,
                // and every fetch the client is not waiting for only takes CPU and disk from the
                // ones it is waiting for (the first byte of a layer came ~70 ms later with all of
                // an image's blobs fetched at once on a loaded machine).
                Semaphore slots = new Semaphore(PREFETCH);
                for (Map.Entry<Digest, Long> blob : referenced.entrySet()) {
                    slots.acquireUninterruptibly();
                    if (parts.stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
                        break; // the image cannot be stored: fetch no more of it
                    }
                    Optional<BlobFetch> fetch = blobs.fetch(target, repository, blob.getKey(), blob.getValue());
                    if (fetch.isEmpty()) {
                        slots.release();
                        continue;
                    }
                    CompletableFuture<Void> done = fetch.get().whenDone();
                    done.whenComplete((ok, failed) -> slots.release());
                    parts.add(done);
                }
            }
            case ParsedManifest.ImageIndex index ->
                index.manifests().stream()
                        .map(Descriptor::digest)
                        .distinct()
                        .forEach(d -> parts.add(
                                CompletableFuture.supplyAsync(() -> manifestByDigest(target, repository, d), BACKGROUND)
                                        .thenCompose(c -> c.map(Caching::stored)
                                                .orElse(CompletableFuture.completedFuture(null)))));
        }
        for (CompletableFuture<?> part : parts) {
            await(part);
        }
    }

    /** How many of an image's blobs its background caching fetches at once. */
    static final int PREFETCH = 2;

    private static final Executor BACKGROUND =
            runnable -> Thread.ofVirtual().name("proxy-cache").start(runnable);

    private static String tagKey(String repository, String tag) {
        return repository + ":" + tag;
    }

    private static String digestKey(String repository, Digest digest) {
        return repository + "@" + digest;
    }

    /** Waits for a background step, rethrowing its own failure. */
    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = cause(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
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

    static RegistryException upstreamLied(String what, Digest digest, String sent) {
        log.warn("event=proxy_upstream_digest_mismatch target={} digest={} sent=\"{}\"", what, digest, sent);
        return new RegistryException(
                ErrorCode.UNAVAILABLE,
                502,
                "the upstream registry sent " + sent + " for " + digest + "; nothing was stored",
                null,
                Map.of());
    }

    /** Runs a fetch, turning an unavailable upstream into the registry error a client gets. */
    private static <T> T guarded(Supplier<T> fetch) {
        try {
            return fetch.get();
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
}
