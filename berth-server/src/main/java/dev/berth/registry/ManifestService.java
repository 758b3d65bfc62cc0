package dev.berth.registry;

import dev.berth.quota.StorageQuota;
import dev.berth.storage.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Manifests and tags: push with full reference checks, pull with content negotiation, delete. */
@Service
public class ManifestService {
    private static final Logger log = LoggerFactory.getLogger(ManifestService.class);

    private final ManifestRecords manifests;
    private final BlobRecords blobs;
    private final RepositoryRecords repositories;
    private final ReviewQueue reviews;
    private final ManifestCopier copier;
    private final TransactionTemplate tx;
    private final StorageQuota quota;
    private final TagProtection protection;
    private final ApplicationEventPublisher events;
    private final RegistryEvents stream;

    ManifestService(
            ManifestRecords manifests,
            BlobRecords blobs,
            RepositoryRecords repositories,
            ReviewQueue reviews,
            ManifestCopier copier,
            TransactionTemplate tx,
            StorageQuota quota,
            TagProtection protection,
            ApplicationEventPublisher events,
            RegistryEvents stream) {
        this.stream = stream;
        this.quota = quota;
        this.events = events;
        this.protection = protection;
        this.manifests = manifests;
        this.blobs = blobs;
        this.repositories = repositories;
        this.reviews = reviews;
        this.copier = copier;
        this.tx = tx;
    }

    public record PutResult(Digest digest, Optional<Digest> subject, List<String> tags) {}

    /**
     * Stores a manifest after checking that its digest matches a digest reference and that every
     * blob and child manifest it references is in the repository. Either everything is stored
     * (manifest, references, tags) or nothing is.
     */
    public PutResult put(
            String repository, String reference, String contentType, byte[] bytes, List<String> extraTags) {
        Set<String> tags = new LinkedHashSet<>();
        Digest digest;
        if (Digest.looksLikeDigest(reference)) {
            Digest expected = Digest.parse(reference)
                    .orElseThrow(
                            () -> RegistryException.of(ErrorCode.DIGEST_INVALID, "unsupported or malformed digest"));
            digest = Digest.of(expected.algorithm(), bytes);
            if (!digest.equals(expected)) {
                throw RegistryException.withDetail(
                        ErrorCode.DIGEST_INVALID,
                        "manifest digest does not match the reference",
                        Map.of("expected", expected.toString(), "actual", digest.toString()));
            }
        } else {
            tags.add(RepositoryName.requireTag(reference));
            digest = Digest.sha256(bytes);
        }
        for (String tag : extraTags) {
            tags.add(RepositoryName.requireTag(tag));
        }
        ParsedManifest manifest = ManifestParser.parse(contentType, bytes);
        tx.executeWithoutResult(status -> store(repository, digest, manifest, bytes, tags));
        log.debug("event=manifest_pushed repository={} digest={} tags={}", repository, digest, tags);
        return new PutResult(digest, manifest.subject().map(Descriptor::digest), List.copyOf(tags));
    }

    private void store(String repository, Digest digest, ParsedManifest manifest, byte[] bytes, Set<String> tags) {
        long repositoryId = repositories.ensure(repository);
        List<Descriptor> blobRefs = new ArrayList<>();
        List<Descriptor> children = List.of();
        switch (manifest) {
            case ParsedManifest.ImageManifest image -> {
                blobRefs.add(image.config());
                image.layers().stream().filter(l -> !l.isExternal()).forEach(blobRefs::add);
            }
            case ParsedManifest.ImageIndex index -> children = index.manifests();
        }
        Map<Digest, Long> childIds = manifests.lockExisting(repositoryId, digestsOf(children));
        List<String> missingChildren = children.stream()
                .map(Descriptor::digest)
                .filter(d -> !childIds.containsKey(d))
                .map(Digest::toString)
                .distinct()
                .toList();
        if (!missingChildren.isEmpty()) {
            throw RegistryException.withDetail(
                    ErrorCode.MANIFEST_BLOB_UNKNOWN,
                    "index references manifests unknown to the repository",
                    Map.of("digests", missingChildren));
        }
        Map<Digest, Long> sizes = blobs.lockLinked(repositoryId, digestsOf(blobRefs));
        List<String> missing = new ArrayList<>();
        for (Descriptor d : blobRefs) {
            Long size = sizes.get(d.digest());
            if (size == null) {
                missing.add(d.digest().toString());
            } else if (size != d.size()) {
                throw RegistryException.withDetail(
                        ErrorCode.MANIFEST_INVALID,
                        "descriptor size does not match the blob",
                        Map.of("digest", d.digest().toString(), "size", d.size(), "blobSize", size));
            }
        }
        if (!missing.isEmpty()) {
            throw RegistryException.withDetail(
                    ErrorCode.MANIFEST_BLOB_UNKNOWN,
                    "manifest references blobs unknown to the repository",
                    Map.of("digests", missing.stream().distinct().toList()));
        }
        // A manifest's bytes count against the quota as a blob's do (V30): over it, nothing is stored.
        quota.refusal(repository, digest.toString(), bytes.length).ifPresent(message -> {
            throw RegistryException.of(ErrorCode.DENIED, 403, message);
        });
        ManifestRecords.Inserted inserted = manifests.insert(repositoryId, digest, manifest, bytes);
        if (inserted.created()) {
            events.publishEvent(new ManifestsCreated(List.of(inserted.id())));
            manifests.addBlobReferences(inserted.id(), digestsOf(blobRefs));
            if (manifest instanceof ParsedManifest.ImageIndex index) {
                for (Descriptor child : index.manifests()) {
                    manifests.addChild(
                            inserted.id(),
                            childIds.get(child.digest()),
                            child.platform() == null ? null : child.platform().json());
                }
            }
        }
        Map<String, Long> current =
                refuseMoving(repositoryId, repository, inserted.id(), tags, tag -> pushRefused(repository, tag));
        List<Long> untagged = new ArrayList<>();
        for (String tag : tags) {
            manifests.tagLocked(repositoryId, tag, inserted.id(), current).ifPresent(untagged::add);
        }
        if (inserted.created() && tags.isEmpty()) {
            untagged.add(inserted.id()); // pushed by digest: untagged from the start
        }
        reviews.manifests(untagged, "untagged");
        stream.pushed(repositoryId, repository, digest, manifest.mediaType(), tags);
    }

    /** Whether the repository holds the manifest with this digest. */
    public boolean has(String repository, Digest digest) {
        return RepositoryName.isValid(repository)
                && manifests.findByDigest(repository, digest).isPresent();
    }

    /**
     * The manifest a tag or digest names, in a media type the client accepts. When the client
     * cannot take an index, the linux/amd64 image it lists is served instead, as distribution does
     * for old clients.
     *
     * @param accepted media types from {@code Accept}; empty accepts anything
     */
    public StoredManifest get(String repository, String reference, List<String> accepted) {
        StoredManifest found = find(repository, reference);
        if (acceptable(found.mediaType(), accepted)) {
            return found;
        }
        if (MediaTypes.INDEXES.contains(found.mediaType())
                && ManifestParser.parse(found.mediaType(), found.content())
                        instanceof ParsedManifest.ImageIndex index) {
            Optional<StoredManifest> fallback = index.manifests().stream()
                    .filter(d -> d.platform() != null && d.platform().isLinuxAmd64())
                    .filter(d -> acceptable(d.mediaType(), accepted))
                    .findFirst()
                    .flatMap(d -> manifests.findByDigest(repository, d.digest()));
            if (fallback.isPresent()) {
                return fallback.get();
            }
        }
        throw RegistryException.of(
                ErrorCode.MANIFEST_UNKNOWN,
                "manifest is " + found.mediaType() + ", which the Accept header does not allow");
    }

    /**
     * A read by a reference that is neither a valid tag nor a supported digest names nothing: 404
     * {@code MANIFEST_UNKNOWN} as in distribution (whose router never matches such a reference) and
     * as the OCI conformance suite expects, not a 400. Writes still refuse such a reference.
     */
    private StoredManifest find(String repository, String reference) {
        Optional<StoredManifest> found;
        if (Digest.looksLikeDigest(reference)) {
            found = Digest.parse(reference).flatMap(digest -> manifests.findByDigest(repository, digest));
        } else if (RepositoryName.isValidTag(reference)) {
            found = manifests.findByTag(repository, reference);
        } else {
            found = Optional.empty();
        }
        return found.orElseThrow(() -> unknown(repository, reference));
    }

    private RegistryException unknown(String repository, String reference) {
        if (repositories.findId(repository).isEmpty()) {
            return RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository " + repository + " not known");
        }
        return RegistryException.withDetail(
                ErrorCode.MANIFEST_UNKNOWN, "manifest unknown", Map.of("reference", reference));
    }

    static boolean acceptable(String mediaType, List<String> accepted) {
        return accepted.isEmpty()
                || accepted.contains(mediaType)
                || accepted.contains("*/*")
                || accepted.contains("application/*");
    }

    /**
     * Deletes a tag (the manifest stays) or, by digest, a manifest with every tag pointing at it.
     * A manifest that an index of the repository lists cannot be deleted before that index.
     */
    public void delete(String repository, String reference) {
        long repositoryId = repositories
                .findId(repository)
                .orElseThrow(
                        () -> RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository " + repository + " not known"));
        if (!Digest.looksLikeDigest(reference)) {
            String tag = RepositoryName.requireTag(reference);
            tx.executeWithoutResult(status -> {
                long manifestId = manifests
                        .untag(repositoryId, tag)
                        .orElseThrow(() -> RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "tag unknown"));
                refuseProtected(repositoryId, repository, List.of(tag), ManifestService::deleteRefused);
                reviews.manifests(List.of(manifestId), "untagged");
                manifests
                        .describe(manifestId)
                        .ifPresent(m -> stream.tagDeleted(repositoryId, repository, tag, m.digest()));
            });
            log.info("event=tag_deleted repository={} tag={}", repository, reference);
            return;
        }
        Digest digest = Digest.parse(reference)
                .orElseThrow(() -> RegistryException.of(ErrorCode.DIGEST_INVALID, "unsupported or malformed digest"));
        tx.executeWithoutResult(status -> {
            long id = lockDeletable(repositoryId, digest);
            refuseDeletingTagsOf(repositoryId, repository, id);
            stream.deleting(repositoryId, repository, id);
            deleteLocked(repositoryId, id, digest);
        });
        log.info("event=manifest_deleted repository={} digest={}", repository, digest);
    }

    /**
     * Locks the manifest for deletion; 404 if it is gone, 409 while an index of the repository
     * lists it (an index must never lose a child).
     */
    private long lockDeletable(long repositoryId, Digest digest) {
        long id = manifests
                .lockForDelete(repositoryId, digest)
                .orElseThrow(() -> RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown"));
        List<String> parents = manifests.parentsOf(id);
        if (!parents.isEmpty()) {
            throw new RegistryException(
                    ErrorCode.DENIED,
                    409,
                    "manifest is listed by an index of this repository; delete the index first",
                    Map.of("indexes", parents),
                    Map.of());
        }
        return id;
    }

    /**
     * Deletes a manifest whose row the caller's transaction has locked FOR UPDATE, with its tags
     * and references, and queues for garbage-collection review everything that may have lost its
     * last reference: its blobs, its children (if an index) and its referrers. The /v2/ delete and
     * garbage collection both delete through here.
     */
    void deleteLocked(long repositoryId, long manifestId, Digest digest) {
        List<String> blobDigests = manifests.blobsOf(manifestId);
        List<Long> orphans = new ArrayList<>(manifests.childrenOf(manifestId));
        orphans.addAll(manifests.referrerIds(repositoryId, digest));
        orphans.remove(Long.valueOf(manifestId));
        manifests.delete(manifestId);
        reviews.blobs(blobDigests, "manifest deleted");
        reviews.manifests(orphans, "parent or subject deleted");
    }

    /**
     * Deletes an artifact as Harbor does: the manifest, the given accessories (artifacts that refer
     * to it), and the children of an index that nothing else lists or tags. Refused (409) while an
     * index of the repository lists the manifest. All or nothing.
     */
    public void deleteArtifact(String repository, Digest digest, Collection<Digest> accessories) {
        long repositoryId = repositoryId(repository);
        tx.executeWithoutResult(status -> {
            long id = lockDeletable(repositoryId, digest);
            refuseDeletingTagsOf(repositoryId, repository, id);
            for (Digest accessory : accessories) {
                manifests
                        .lockForDelete(repositoryId, accessory)
                        .filter(a -> a != id && manifests.parentsOf(a).isEmpty())
                        .ifPresent(a -> {
                            refuseDeletingTagsOf(repositoryId, repository, a);
                            deleteWithOrphanChildren(a);
                        });
            }
            stream.deleting(repositoryId, repository, id);
            deleteWithOrphanChildren(id);
        });
        log.info(
                "event=artifact_deleted repository={} digest={} accessories={}",
                repository,
                digest,
                accessories.size());
    }

    /** What {@link #deleteArtifactsUnchangedSince} did with an artifact. */
    public enum PolicyDeletion {
        DELETED,
        /** The artifact is gone already, or an index of the repository lists it now. */
        GONE,
        /** It was pushed, or one of its tags created or moved onto it, after the snapshot: it stays. */
        CHANGED,
        /** One of its tags is immutable (checked under the same locks as every delete): it stays. */
        IMMUTABLE
    }

    /** An artifact a policy chose to delete, with the accessories that go with it. */
    public record PolicyCandidate(Digest digest, Collection<Digest> accessories) {}

    /**
     * Deletes artifacts of one repository as {@link #deleteArtifact} does (same events, same review
     * queues), for a policy that chose them from a snapshot taken at {@code snapshot}: under the
     * manifest's row lock, which a push that tags the manifest also takes (shared), an artifact is
     * deleted only if neither the manifest nor any of its tags is younger than the snapshot, so a
     * policy never deletes what was pushed after it looked; and only if no immutable tag protects it
     * or one of its accessories.
     *
     * <p>All in one transaction (the caller's, if it has one), for fewer round trips and one commit:
     * each artifact is decided and deleted exactly as it would be alone, under its own row locks;
     * the immutability rules are read once, under the project's lock that the transaction then holds
     * until it ends, so no rule can change in between. Nothing is written for an artifact that
     * stays. Returns what became of each, in the candidates' order.
     */
    public Map<Digest, PolicyDeletion> deleteArtifactsUnchangedSince(
            String repository, List<PolicyCandidate> candidates, Instant snapshot) {
        long repositoryId = repositoryId(repository);
        Map<Digest, PolicyDeletion> results = tx.execute(status -> {
            Map<Digest, PolicyDeletion> done = new LinkedHashMap<>();
            Protection rules = new Protection(repositoryId, repository);
            Set<String> blobDigests = new HashSet<>();
            for (PolicyCandidate c : candidates) {
                done.put(c.digest(), deleteUnchangedSince(repositoryId, repository, c, snapshot, rules, blobDigests));
            }
            // Queued once, last: a layer all the artifacts share is one review row, which every
            // concurrent batch (and every delete) would otherwise wait for from the first deletion
            // of a batch to its commit.
            reviews.blobs(blobDigests, "artifact deleted");
            return done;
        });
        results.forEach((digest, result) -> log.info(
                "event=artifact_deleted_by_policy repository={} digest={} result={}", repository, digest, result));
        return results;
    }

    /**
     * The immutability rules of one repository, read when first needed (an untagged artifact needs
     * none, and takes no lock on the rules) and then kept for the transaction, whose lock on the
     * rules keeps them from changing.
     */
    private final class Protection {
        private final long repositoryId;
        private final String repository;
        private Optional<Predicate<String>> rules;

        Protection(long repositoryId, String repository) {
            this.repositoryId = repositoryId;
            this.repository = repository;
        }

        boolean anyProtected(Collection<String> tags) {
            if (tags.isEmpty()) {
                return false;
            }
            if (rules == null) {
                rules = protection.protectedTags(repositoryId, repository);
            }
            return rules.isPresent() && tags.stream().anyMatch(rules.get());
        }
    }

    /** One candidate, in the caller's transaction: checks first, then writes, so a refusal writes nothing. */
    private PolicyDeletion deleteUnchangedSince(
            long repositoryId,
            String repository,
            PolicyCandidate candidate,
            Instant snapshot,
            Protection rules,
            Collection<String> blobDigests) {
        Optional<Long> locked = manifests.lockForDelete(repositoryId, candidate.digest());
        if (locked.isEmpty() || !manifests.parentsOf(locked.get()).isEmpty()) {
            return PolicyDeletion.GONE;
        }
        long id = locked.get();
        if (manifests.changedSince(id, snapshot)) {
            return PolicyDeletion.CHANGED;
        }
        if (rules.anyProtected(manifests.tagsOf(id))) {
            return PolicyDeletion.IMMUTABLE;
        }
        List<Long> accessories = new ArrayList<>();
        for (Digest accessory : candidate.accessories()) {
            Optional<Long> a = manifests
                    .lockForDelete(repositoryId, accessory)
                    .filter(x -> x != id && manifests.parentsOf(x).isEmpty());
            if (a.isPresent()) {
                if (rules.anyProtected(manifests.tagsOf(a.get()))) {
                    return PolicyDeletion.IMMUTABLE; // an accessory's tag is immutable
                }
                accessories.add(a.get());
            }
        }
        accessories.forEach(a -> deleteWithOrphanChildren(a, blobDigests));
        stream.deleting(repositoryId, repository, id);
        deleteWithOrphanChildren(id, blobDigests);
        return PolicyDeletion.DELETED;
    }

    private void deleteWithOrphanChildren(long id) {
        List<String> blobDigests = new ArrayList<>();
        deleteWithOrphanChildren(id, blobDigests);
        reviews.blobs(blobDigests, "artifact deleted");
    }

    /**
     * Deletes the manifest and its orphaned children, adding their blobs to {@code blobDigests}:
     * the caller queues them for review in the same transaction.
     */
    private void deleteWithOrphanChildren(long id, Collection<String> blobDigests) {
        List<Long> children = manifests.childrenOf(id);
        blobDigests.addAll(manifests.blobsOf(id));
        manifests.delete(id);
        for (long child : children) {
            if (manifests.lockIfOrphan(child)) {
                deleteWithOrphanChildren(child, blobDigests);
            }
        }
    }

    /**
     * Points a new tag at the manifest with this digest.
     *
     * @return false if the repository has the tag already (on any manifest)
     */
    public boolean addTag(String repository, Digest digest, String tag) {
        String name = RepositoryName.requireTag(tag);
        long repositoryId = repositoryId(repository);
        Boolean added = tx.execute(status -> {
            long id = manifests
                    .lockShared(repositoryId, digest)
                    .orElseThrow(() -> RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown"));
            boolean created = manifests.tagIfAbsent(repositoryId, name, id);
            if (created) {
                stream.tagCreated(repositoryId, repository, name, digest);
            }
            return created;
        });
        log.info("event=tag_added repository={} tag={} digest={} added={}", repository, name, digest, added);
        return Boolean.TRUE.equals(added);
    }

    /** Deletes the tag if it points at the manifest with this digest; the manifest stays. */
    public boolean removeTag(String repository, Digest digest, String tag) {
        long repositoryId = repositoryId(repository);
        Boolean removed = tx.execute(status -> manifests
                .lockShared(repositoryId, digest)
                .map(id -> {
                    boolean untagged = manifests.untag(repositoryId, tag, id);
                    if (untagged) {
                        refuseProtected(repositoryId, repository, List.of(tag), ManifestService::deleteRefused);
                        reviews.manifests(List.of(id), "untagged");
                        stream.tagDeleted(repositoryId, repository, tag, digest.toString());
                    }
                    return untagged;
                })
                .orElse(false));
        if (Boolean.TRUE.equals(removed)) {
            log.info("event=tag_deleted repository={} tag={}", repository, tag);
        }
        return Boolean.TRUE.equals(removed);
    }

    /**
     * Deletes a repository and everything in it; false if there is no such repository. Refused
     * (412), as in Harbor, while any of its tags is immutable.
     */
    public boolean deleteRepository(String repository) {
        Boolean deleted = tx.execute(status -> {
            Optional<Long> locked = repositories.lock(repository);
            if (locked.isEmpty()) {
                return false;
            }
            long id = locked.get();
            protection
                    .protectedTags(id, repository)
                    .ifPresent(immutable -> manifests.tags(id, "", Integer.MAX_VALUE).stream()
                            .filter(immutable)
                            .findFirst()
                            .ifPresent(tag -> {
                                throw refused(deleteRefused(tag));
                            }));
            // Every blob the repository held may now be unreferenced.
            reviews.blobs(blobs.linkedTo(id), "repository deleted");
            stream.deletingRepository(id, repository);
            return repositories.delete(repository);
        });
        if (Boolean.TRUE.equals(deleted)) {
            log.info("event=repository_deleted repository={}", repository);
        }
        return Boolean.TRUE.equals(deleted);
    }

    /**
     * Copies an artifact (with its index children, its tags and the given accessories) into another
     * repository, which is created if needed. Blobs are linked, never duplicated.
     */
    public void copy(String source, Digest digest, String target, Collection<Digest> accessories) {
        long sourceId = repositoryId(source);
        tx.executeWithoutResult(status -> {
            long targetId = repositories.ensure(target);
            long root = manifests
                    .lockShared(sourceId, digest)
                    .orElseThrow(() -> RegistryException.of(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown"));
            List<Long> sources = new ArrayList<>(List.of(root));
            // An accessory deleted meanwhile is simply not copied.
            accessories.forEach(a -> manifests.lockShared(sourceId, a).ifPresent(sources::add));
            List<Long> created = new ArrayList<>();
            // Over the target project's quota, the whole copy rolls back.
            quota.refusalOf(target, () -> {
                        for (long manifestId : sources) {
                            long copied = copier.copy(manifestId, targetId, created);
                            List<String> tags = manifests.tagsOf(manifestId);
                            Map<String, Long> current =
                                    refuseMoving(targetId, target, copied, tags, ManifestService::updateRefused);
                            for (String tag : tags) {
                                manifests.tagLocked(targetId, tag, copied, current);
                            }
                        }
                    })
                    .ifPresent(message -> {
                        throw RegistryException.of(ErrorCode.DENIED, 403, message);
                    });
            if (!created.isEmpty()) {
                events.publishEvent(new ManifestsCreated(created));
            }
            manifests
                    .describe(root)
                    .ifPresent(m -> stream.pushed(targetId, target, digest, m.mediaType(), manifests.tagsOf(root)));
        });
        log.info("event=artifact_copied source={} digest={} target={}", source, digest, target);
    }

    /**
     * 412 if any of the tags exists on another manifest than {@code manifestId} and is immutable:
     * such a tag cannot be re-pointed. Locks the existing tags' rows first.
     */
    /**
     * Refuses moving an immutable tag; returns the existing ones of {@code tags}, locked until the
     * transaction ends, with the manifest each points at now.
     */
    private Map<String, Long> refuseMoving(
            long repositoryId,
            String repository,
            long manifestId,
            Collection<String> tags,
            Function<String, String> message) {
        if (tags.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> current = manifests.lockTags(repositoryId, tags);
        List<String> moving = current.entrySet().stream()
                .filter(e -> e.getValue() != manifestId)
                .map(Map.Entry::getKey)
                .toList();
        refuseProtected(repositoryId, repository, moving, message);
        return current;
    }

    private void refuseDeletingTagsOf(long repositoryId, String repository, long manifestId) {
        refuseProtected(repositoryId, repository, manifests.tagsOf(manifestId), ManifestService::deleteRefused);
    }

    /** 412 if any of the tags is immutable; the caller's transaction then rolls back. */
    private void refuseProtected(
            long repositoryId, String repository, Collection<String> tags, Function<String, String> message) {
        if (tags.isEmpty()) {
            return;
        }
        Optional<Predicate<String>> immutable = protection.protectedTags(repositoryId, repository);
        immutable.flatMap(p -> tags.stream().filter(p).findFirst()).ifPresent(tag -> {
            throw refused(message.apply(tag));
        });
    }

    private static RegistryException refused(String message) {
        return RegistryException.of(ErrorCode.DENIED, 412, message);
    }

    /** Harbor's words for a push onto an immutable tag; it names the repository without its project. */
    private static String pushRefused(String repository, String tag) {
        String path = repository.substring(repository.indexOf('/') + 1);
        return "Failed to process request due to '" + path + ":" + tag + "' configured as immutable.";
    }

    private static String deleteRefused(String tag) {
        return "the tag " + tag + " configured as immutable, cannot be deleted";
    }

    private static String updateRefused(String tag) {
        return "the tag " + tag + " configured as immutable, cannot be updated";
    }

    private long repositoryId(String repository) {
        return repositories
                .findId(repository)
                .orElseThrow(
                        () -> RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository " + repository + " not known"));
    }

    /** Up to {@code limit} tags after {@code last}, in byte order. */
    public List<String> tags(String repository, String last, int limit) {
        long repositoryId = repositories
                .findId(repository)
                .orElseThrow(
                        () -> RegistryException.of(ErrorCode.NAME_UNKNOWN, "repository " + repository + " not known"));
        return manifests.tags(repositoryId, last, limit);
    }

    /** Manifests of the repository whose {@code subject} is the digest, optionally of one artifact type. */
    public List<Referrer> referrers(String repository, Digest subject, Optional<String> artifactType) {
        Optional<Long> repositoryId = repositories.findId(repository);
        if (repositoryId.isEmpty()) {
            return List.of();
        }
        return manifests.referrers(repositoryId.get(), subject).stream()
                .filter(r -> artifactType.isEmpty() || artifactType.get().equals(r.artifactType()))
                .sorted(Comparator.comparing(Referrer::digest))
                .toList();
    }

    private static List<Digest> digestsOf(Collection<Descriptor> descriptors) {
        return descriptors.stream().map(Descriptor::digest).distinct().toList();
    }
}
