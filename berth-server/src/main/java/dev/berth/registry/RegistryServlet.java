package dev.berth.registry;

import dev.berth.config.BerthProperties;
import dev.berth.event.EventOrigin;
import dev.berth.http.RequestPath;
import dev.berth.storage.BlobLocation;
import dev.berth.storage.Digest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.catalina.connector.ClientAbortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OCI distribution API at {@code /v2/}. A plain servlet rather than MVC controllers: repository
 * names contain slashes, and blobs must stream from the socket to storage and back (sendfile)
 * without anything buffering them.
 */
public class RegistryServlet extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(RegistryServlet.class);
    private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

    private final BlobUploadService uploads;
    private final BlobService blobs;
    private final ManifestService manifests;
    private final RepositoryRecords repositories;
    private final RegistryGuard guard;
    private final RegistryAudit audit;
    private final BerthProperties.Registry limits;
    private final JsonMapper json;
    private final PullRecorder pulls;
    private final List<PullPolicy> pullPolicies;
    private final List<PullThrough> pullThroughs;

    RegistryServlet(
            BlobUploadService uploads,
            BlobService blobs,
            ManifestService manifests,
            RepositoryRecords repositories,
            RegistryGuard guard,
            RegistryAudit audit,
            BerthProperties properties,
            JsonMapper json,
            PullRecorder pulls,
            List<PullPolicy> pullPolicies,
            List<PullThrough> pullThroughs) {
        this.pullPolicies = List.copyOf(pullPolicies);
        this.pullThroughs = List.copyOf(pullThroughs);
        this.pulls = pulls;
        this.guard = guard;
        this.audit = audit;
        this.uploads = uploads;
        this.blobs = blobs;
        this.manifests = manifests;
        this.repositories = repositories;
        this.limits = properties.registry();
        this.json = json;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        try {
            RegistryRoute route = RegistryRoute.of(pathAfterV2(req));
            // The route template, where Spring MVC puts its own: the access log and metrics label by it.
            req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, route.template());
            dispatch(route, req.getMethod(), req, resp);
        } catch (RegistryException e) {
            writeError(req, resp, e);
        } catch (UncheckedIOException e) {
            log.info(
                    "event=registry_io_error method={} uri={} reason=\"{}\"",
                    req.getMethod(),
                    req.getRequestURI(),
                    e.getCause().toString());
            writeError(
                    req,
                    resp,
                    new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 500, "storage error", null, Map.of()));
        } catch (RuntimeException e) {
            log.error("event=registry_internal_error method={} uri={}", req.getMethod(), req.getRequestURI(), e);
            writeInternalError(resp);
        }
    }

    /** The canonical path (decoded once: digests may arrive with %3A) after {@code /v2/}. */
    private static String pathAfterV2(HttpServletRequest req) {
        String path = RequestPath.of(req);
        return path.length() <= 4 ? "" : path.substring(4);
    }

    private void dispatch(RegistryRoute route, String method, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        switch (route) {
            case RegistryRoute.Base b -> {
                allow(method, "GET", "HEAD");
                guard.checkBase(req);
                resp.setContentType("application/json");
                writeBody(req, resp, "{}".getBytes(StandardCharsets.UTF_8));
            }
            case RegistryRoute.Catalog c -> {
                allow(method, "GET");
                guard.checkCatalog(req);
                catalog(req, resp);
            }
            case RegistryRoute.Tags t -> {
                allow(method, "GET");
                String name = mirrored(RepositoryName.require(t.name()));
                guard.check(req, name, RegistryGuard.Need.PULL);
                tags(name, req, resp);
            }
            case RegistryRoute.Manifest m -> {
                String verb = allow(method, "GET", "HEAD", "PUT", "DELETE");
                String name = RepositoryName.require(m.name());
                if (verb.equals("GET") || verb.equals("HEAD")) {
                    name = mirrored(name);
                }
                guard.check(req, name, needOf(verb));
                switch (verb) {
                    case "GET", "HEAD" -> {
                        Optional<PullThrough.Unstored> unstored = beforeManifest(name, m.reference(), req);
                        if (unstored.isPresent()) {
                            RegistryContent.Manifest answer = unstored.get().manifest();
                            writeManifest(req, resp, answer.digest(), answer.mediaType(), answer.content());
                            if (verb.equals("GET")) {
                                countOnceStored(name, m.reference(), unstored.get());
                            }
                        } else {
                            getManifest(name, m.reference(), req, resp);
                        }
                    }
                    case "PUT" -> {
                        checkPush(name);
                        putManifest(name, m.reference(), req, resp);
                    }
                    default -> {
                        manifests.delete(name, m.reference());
                        resp.setStatus(202);
                        resp.setContentLength(0);
                    }
                }
                if (!verb.equals("HEAD")) {
                    // The client has its answer before the audit INSERT runs.
                    resp.flushBuffer();
                    switch (verb) {
                        case "GET" -> audit.pulled(req, name, m.reference());
                        case "PUT" -> audit.pushed(req, name, m.reference());
                        default -> audit.deleted(req, name, m.reference());
                    }
                }
            }
            case RegistryRoute.Blob b -> {
                String verb = allow(method, "GET", "HEAD", "DELETE");
                String name = RepositoryName.require(b.name());
                if (!verb.equals("DELETE")) {
                    name = mirrored(name);
                }
                guard.check(req, name, needOf(verb));
                Digest digest = BlobUploadService.parseDigest(b.digest());
                if (verb.equals("DELETE")) {
                    blobs.unlink(name, digest);
                    resp.setStatus(202);
                } else {
                    Optional<PullThrough.StreamedBlob> streamed = Optional.empty();
                    for (PullThrough p : pullThroughs) {
                        streamed = streamed.isPresent() ? streamed : p.beforeBlob(name, digest);
                    }
                    if (streamed.isPresent()) {
                        getStreamedBlob(digest, streamed.get(), req, resp);
                    } else {
                        getBlob(name, digest, req, resp);
                    }
                }
            }
            case RegistryRoute.Uploads u -> {
                allow(method, "POST");
                String name = RepositoryName.require(u.name());
                guard.check(req, name, RegistryGuard.Need.PUSH);
                checkPush(name);
                startUpload(name, req, resp);
            }
            case RegistryRoute.Upload u -> {
                String name = RepositoryName.require(u.name());
                String verb = allow(method, "GET", "PATCH", "PUT", "DELETE");
                guard.check(req, name, RegistryGuard.Need.PUSH);
                checkPush(name);
                UUID id = parseUploadId(u.id());
                switch (verb) {
                    case "GET" -> uploadStatus(resp, uploads.status(name, id), 204);
                    case "PATCH" ->
                        uploadStatus(
                                resp,
                                uploads.append(name, id, ContentRange.parse(req.getHeader("Content-Range")), body(req)),
                                202);
                    case "PUT" -> {
                        Digest digest = uploads.complete(
                                name,
                                id,
                                req.getParameter("digest"),
                                ContentRange.parse(req.getHeader("Content-Range")),
                                body(req));
                        blobCreated(resp, name, digest);
                    }
                    default -> {
                        uploads.cancel(name, id);
                        resp.setStatus(204);
                    }
                }
            }
            case RegistryRoute.Referrers r -> {
                allow(method, "GET");
                String name = RepositoryName.require(r.name());
                guard.check(req, name, RegistryGuard.Need.PULL);
                referrers(name, r.digest(), req, resp);
            }
            case RegistryRoute.Unknown u -> throw RegistryException.of(ErrorCode.NAME_UNKNOWN, 404, "no such endpoint");
        }
    }

    /**
     * Lets the pull-throughs fetch what a manifest pull names. One may answer with a verified
     * manifest it is still storing, only when no pull policy guards the repository (a policy
     * judges a stored artifact) and the client accepts its media type.
     */
    private Optional<PullThrough.Unstored> beforeManifest(String name, String reference, HttpServletRequest req) {
        boolean guarded = pullPolicies.stream().anyMatch(p -> p.guards(name));
        List<String> accepted = acceptedTypes(req);
        Optional<PullThrough.Unstored> unstored = Optional.empty();
        for (PullThrough p : pullThroughs) {
            Optional<PullThrough.Unstored> m =
                    p.beforeManifest(name, reference, type -> !guarded && ManifestService.acceptable(type, accepted));
            unstored = unstored.isPresent() ? unstored : m;
        }
        return unstored;
    }

    /**
     * A pull answered before its manifest was stored counts (pull count and time, its {@code
     * PULL_ARTIFACT} event) once it is stored, as the pull of the stored artifact; a manifest that
     * never gets stored is not counted, as in Harbor. The audit entry is written at once, as for
     * any pull.
     */
    private void countOnceStored(String name, String reference, PullThrough.Unstored unstored) {
        EventOrigin origin = EventOrigin.current();
        Optional<String> tag = Digest.looksLikeDigest(reference) ? Optional.empty() : Optional.of(reference);
        String digest = unstored.manifest().digest().toString();
        unstored.stored()
                .thenRun(() -> origin.runAs(() -> {
                    try {
                        pulls.pulled(manifests.get(name, digest, List.of()), name, tag);
                    } catch (RegistryException gone) {
                        // deleted between being stored and counted: nothing to count
                    }
                }));
    }

    private void checkPush(String repository) {
        for (PullThrough p : pullThroughs) {
            p.checkPush(repository);
        }
    }

    /** A registry-mirror pull without a project names the default proxy project's repository. */
    private String mirrored(String repository) {
        String name = repository;
        for (PullThrough p : pullThroughs) {
            name = p.mirrored(name);
        }
        return name;
    }

    private static RegistryGuard.Need needOf(String method) {
        return switch (method) {
            case "GET", "HEAD" -> RegistryGuard.Need.PULL;
            case "DELETE" -> RegistryGuard.Need.DELETE;
            default -> RegistryGuard.Need.PUSH;
        };
    }

    private static String allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return a;
            }
        }
        throw new RegistryException(
                ErrorCode.UNSUPPORTED, 405, "method not allowed", null, Map.of("Allow", String.join(", ", allowed)));
    }

    // ---- manifests ----------------------------------------------------------------------------

    private void getManifest(String name, String reference, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        StoredManifest manifest = manifests.get(name, reference, acceptedTypes(req));
        // Before a byte flows: by tag or digest, GET or HEAD, an index's child as much as any.
        for (PullPolicy policy : pullPolicies) {
            policy.check(req, name, manifest.id(), manifest.mediaType());
        }
        writeManifest(req, resp, manifest.digest(), manifest.mediaType(), manifest.content());
        if (req.getMethod().equals("GET")) {
            pulls.pulled(manifest, name, Digest.looksLikeDigest(reference) ? Optional.empty() : Optional.of(reference));
        }
    }

    private void writeManifest(
            HttpServletRequest req, HttpServletResponse resp, Digest digest, String mediaType, byte[] content)
            throws IOException {
        resp.setContentType(mediaType);
        resp.setHeader("Docker-Content-Digest", digest.toString());
        resp.setHeader("ETag", "\"" + digest + "\"");
        writeBody(req, resp, content);
    }

    private static List<String> acceptedTypes(HttpServletRequest req) {
        List<String> types = new ArrayList<>();
        for (String header : Collections.list(req.getHeaders("Accept"))) {
            for (String part : header.split(",")) {
                String type = MediaTypes.essence(part);
                if (!type.isEmpty()
                        && !part.replace(" ", "").contains(";q=0;")
                        && !part.replace(" ", "").endsWith(";q=0")) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private void putManifest(String name, String reference, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        long max = limits.maxManifestSize().toBytes();
        if (req.getContentLengthLong() > max) {
            throw RegistryException.of(ErrorCode.SIZE_INVALID, 413, "manifest exceeds " + max + " bytes");
        }
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes((int) max + 1);
        }
        if (bytes.length > max) {
            throw RegistryException.of(ErrorCode.SIZE_INVALID, 413, "manifest exceeds " + max + " bytes");
        }
        if (req.getContentLengthLong() >= 0 && bytes.length != req.getContentLengthLong()) {
            throw RegistryException.of(ErrorCode.SIZE_INVALID, "body shorter than Content-Length");
        }
        String[] extraTags = req.getParameterValues("tag");
        ManifestService.PutResult result = manifests.put(
                name, reference, req.getContentType(), bytes, extraTags == null ? List.of() : List.of(extraTags));
        resp.setStatus(201);
        resp.setHeader("Location", "/v2/" + name + "/manifests/" + result.digest());
        resp.setHeader("Docker-Content-Digest", result.digest().toString());
        result.subject().ifPresent(s -> resp.setHeader("OCI-Subject", s.toString()));
        if (extraTags != null) {
            result.tags().stream().filter(t -> !t.equals(reference)).forEach(t -> resp.addHeader("OCI-Tag", t));
        }
        resp.setContentLength(0);
    }

    // ---- blobs --------------------------------------------------------------------------------

    private void getBlob(String name, Digest digest, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        long size = blobs.size(name, digest);
        long[] span = blobHeaders(digest, size, req, resp);
        long start = span[0];
        long length = span[1];
        if (req.getMethod().equals("HEAD")) {
            return;
        }
        Optional<BlobLocation> location = blobs.store().locate(digest);
        if (location.isPresent() && location.get() instanceof BlobLocation.Redirect r) {
            resp.reset();
            resp.setHeader("Docker-Distribution-API-Version", "registry/2.0");
            resp.setStatus(307);
            resp.setHeader("Location", r.uri().toString());
            return;
        }
        if (location.isPresent()
                && location.get() instanceof BlobLocation.LocalFile f
                && length >= limits.sendfileThreshold().toBytes()
                && Boolean.TRUE.equals(req.getAttribute(SENDFILE_SUPPORT))) {
            req.setAttribute(SENDFILE_FILENAME, f.path().toString());
            req.setAttribute(SENDFILE_START, start);
            req.setAttribute(SENDFILE_END, start + length);
            return;
        }
        // Small blobs, and drivers that can neither hand out a file nor a URL: stream the bytes.
        InputStream in;
        try {
            in = blobs.store().open(digest, start, length);
        } catch (NoSuchFileException e) {
            log.error("event=blob_bytes_missing repository={} digest={}", name, digest);
            throw RegistryException.of(ErrorCode.BLOB_UNKNOWN, 500, "blob content is missing from storage");
        }
        try (in) {
            copy(in, resp.getOutputStream(), length);
        }
    }

    /** The status and headers of a blob answer; returns the start and length of the bytes to send. */
    private static long[] blobHeaders(Digest digest, long size, HttpServletRequest req, HttpServletResponse resp) {
        Optional<ByteRange> range = ByteRange.parse(req.getHeader("Range"), size);
        resp.setHeader("Docker-Content-Digest", digest.toString());
        resp.setHeader("ETag", "\"" + digest + "\"");
        resp.setHeader("Accept-Ranges", "bytes");
        resp.setHeader("Cache-Control", "max-age=31536000");
        resp.setContentType("application/octet-stream");
        long start = range.map(ByteRange::start).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        if (range.isPresent()) {
            resp.setStatus(206);
            resp.setHeader("Content-Range", "bytes " + start + "-" + (start + length - 1) + "/" + size);
        }
        resp.setContentLengthLong(length);
        return new long[] {start, length};
    }

    /**
     * A blob a pull-through is still fetching: every chunk goes to the client as it arrives. When
     * the fetch fails the stream fails and the connection breaks short of Content-Length; a client
     * that goes away only stops its own copy.
     */
    private static void getStreamedBlob(
            Digest digest, PullThrough.StreamedBlob blob, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        long[] span = blobHeaders(digest, blob.size(), req, resp);
        if (req.getMethod().equals("HEAD")) {
            return;
        }
        OutputStream out = resp.getOutputStream();
        resp.flushBuffer(); // headers out now: the time to first byte is the upstream's
        try (InputStream in = blob.open(span[0], span[1])) {
            byte[] buffer = new byte[64 * 1024];
            long remaining = span[1];
            while (remaining > 0) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (n < 0) {
                        throw new IOException("streamed blob ended early");
                    }
                } catch (IOException e) {
                    log.info(
                            "event=registry_stream_broken digest={} sent={} reason=\"{}\"",
                            digest,
                            span[1] - remaining,
                            e.getMessage());
                    // The answer is committed: all that is left is to break the connection short of
                    // Content-Length. Tomcat does that for an abort without an error page or a stack trace.
                    throw new ClientAbortException(e);
                }
                out.write(buffer, 0, n);
                out.flush();
                remaining -= n;
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("blob shorter than recorded");
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
    }

    private void blobCreated(HttpServletResponse resp, String name, Digest digest) {
        resp.setStatus(201);
        resp.setHeader("Location", "/v2/" + name + "/blobs/" + digest);
        resp.setHeader("Docker-Content-Digest", digest.toString());
        resp.setContentLength(0);
    }

    // ---- uploads ------------------------------------------------------------------------------

    private void startUpload(String name, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mount = req.getParameter("mount");
        if (mount != null) {
            Digest digest = BlobUploadService.parseDigest(mount);
            String from = req.getParameter("from");
            if (from != null
                    && guard.mayPull(req, from)
                    && uploads.mount(name, digest, from).isPresent()) {
                blobCreated(resp, name, digest);
                return;
            }
        }
        String digestParam = req.getParameter("digest");
        if (digestParam != null) {
            Digest digest = uploads.monolithic(name, BlobUploadService.parseDigest(digestParam), body(req));
            blobCreated(resp, name, digest);
            return;
        }
        String algorithmParam = req.getParameter("digest-algorithm");
        Digest.Algorithm algorithm = algorithmParam == null
                ? Digest.Algorithm.SHA256
                : Digest.Algorithm.byPrefix(algorithmParam)
                        .orElseThrow(
                                () -> RegistryException.of(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm"));
        uploadStatus(resp, uploads.start(name, algorithm), 202);
    }

    private static void uploadStatus(HttpServletResponse resp, UploadSession session, int status) {
        resp.setStatus(status);
        UploadHeaders.of(session).forEach(resp::setHeader);
        resp.setContentLength(0);
    }

    private static UUID parseUploadId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equals(id.toLowerCase(Locale.ROOT))) {
                return uuid;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw RegistryException.of(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown");
    }

    private static BlobUploadService.Body body(HttpServletRequest req) throws IOException {
        long length = req.getContentLengthLong();
        boolean chunked = "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
        return new BlobUploadService.Body(length >= 0 ? length : chunked ? -1 : 0, req.getInputStream());
    }

    // ---- listings -----------------------------------------------------------------------------

    private void catalog(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int n = pageSize(req);
        String last = Optional.ofNullable(req.getParameter("last")).orElse("");
        List<String> names = n == 0 ? List.of() : repositories.list(last, n + 1);
        page(resp, "/v2/_catalog", names, n);
        writeJson(req, resp, Map.of("repositories", names.subList(0, Math.min(n, names.size()))));
    }

    private void tags(String name, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int n = pageSize(req);
        String last = Optional.ofNullable(req.getParameter("last")).orElse("");
        List<String> tags = manifests.tags(name, last, n + 1);
        page(resp, "/v2/" + name + "/tags/list", tags, n);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("tags", tags.subList(0, Math.min(n, tags.size())));
        writeJson(req, resp, body);
    }

    private void referrers(String name, String digestText, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        Digest subject = BlobUploadService.parseDigest(digestText);
        Optional<String> artifactType =
                Optional.ofNullable(req.getParameter("artifactType")).filter(s -> !s.isEmpty());
        int n = pageSize(req);
        String last = Optional.ofNullable(req.getParameter("last")).orElse("");
        List<Map<String, Object>> entries = manifests.referrers(name, subject, artifactType).stream()
                .filter(r -> r.digest().toString().compareTo(last) > 0)
                .limit(n + 1L)
                .map(RegistryServlet::referrerDescriptor)
                .toList();
        artifactType.ifPresent(t -> resp.setHeader("OCI-Filters-Applied", "artifactType"));
        if (entries.size() > n) {
            String next = "/v2/" + name + "/referrers/" + subject + "?n=" + n + "&last="
                    + encode(String.valueOf(entries.get(n - 1).get("digest")))
                    + artifactType.map(t -> "&artifactType=" + encode(t)).orElse("");
            resp.setHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", entries.subList(0, Math.min(n, entries.size())));
        resp.setContentType(MediaTypes.OCI_INDEX);
        writeBody(req, resp, json.writeValueAsBytes(index));
    }

    private static Map<String, Object> referrerDescriptor(Referrer r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", r.mediaType());
        d.put("digest", r.digest().toString());
        d.put("size", r.size());
        if (r.artifactType() != null) {
            d.put("artifactType", r.artifactType());
        }
        if (!r.annotations().isEmpty()) {
            d.put("annotations", r.annotations());
        }
        return d;
    }

    private int pageSize(HttpServletRequest req) {
        String n = req.getParameter("n");
        if (n == null || n.isEmpty()) {
            return limits.maxPageSize();
        }
        try {
            int value = Integer.parseInt(n);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Math.min(value, limits.maxPageSize());
        } catch (NumberFormatException e) {
            throw RegistryException.of(ErrorCode.UNSUPPORTED, 400, "n must be a non-negative integer");
        }
    }

    /** Sets {@code Link: rel="next"} when {@code fetched} holds one more entry than the page. */
    private static void page(HttpServletResponse resp, String path, List<String> fetched, int n) {
        if (n > 0 && fetched.size() > n) {
            resp.setHeader("Link", "<" + path + "?n=" + n + "&last=" + encode(fetched.get(n - 1)) + ">; rel=\"next\"");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- writing ------------------------------------------------------------------------------

    private void writeJson(HttpServletRequest req, HttpServletResponse resp, Object body) throws IOException {
        resp.setContentType("application/json");
        writeBody(req, resp, json.writeValueAsBytes(body));
    }

    private static void writeBody(HttpServletRequest req, HttpServletResponse resp, byte[] body) throws IOException {
        resp.setContentLength(body.length);
        if (!req.getMethod().equals("HEAD")) {
            resp.getOutputStream().write(body);
        }
    }

    private void writeError(HttpServletRequest req, HttpServletResponse resp, RegistryException e) throws IOException {
        if (resp.isCommitted()) {
            log.info("event=registry_error_after_commit code={} message=\"{}\"", e.code(), e.getMessage());
            return;
        }
        resp.reset();
        resp.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        resp.setStatus(e.status());
        e.headers().forEach(resp::setHeader);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code().name());
        error.put("message", e.getMessage());
        if (e.detail() != null) {
            error.put("detail", e.detail());
        }
        resp.setContentType("application/json; charset=utf-8");
        writeBody(req, resp, json.writeValueAsBytes(Map.of("errors", List.of(error))));
    }

    private void writeInternalError(HttpServletResponse resp) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        resp.setStatus(500);
        resp.setContentType("application/json; charset=utf-8");
        resp.getOutputStream()
                .write("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal server error\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
    }
}
