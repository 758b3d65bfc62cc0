package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BlobStore} driver must do. A driver's test extends this class and supplies
 * {@link #newStore}; the driver is done when this suite is green against it. Checks that only make
 * sense for one driver (file layout, object keys) belong in that driver's own test.
 */
public abstract class BlobStoreContract {
    private static final int MiB = 1024 * 1024;

    @TempDir
    protected Path tempDir;

    protected BlobStore store;

    /**
     * A store whose state lives under {@code dir} (or in a bucket named after it). Called again with
     * the same directory, it must return a store over the same content, as a second replica or a
     * restarted process would see it.
     */
    protected abstract BlobStore newStore(Path dir) throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = newStore(tempDir);
    }

    // ---- uploads --------------------------------------------------------------------------------

    @Test
    void aNewUploadIsEmpty() throws IOException {
        UUID upload = newUpload();

        assertThat(store.uploadSize(upload)).isZero();
        assertThat(readUpload(upload)).isEmpty();
    }

    @Test
    void appendsAccumulateInOrder() throws IOException {
        UUID upload = newUpload();

        assertThat(append(upload, 0, "hello")).isEqualTo(5);
        assertThat(store.uploadSize(upload)).isEqualTo(5);
        assertThat(append(upload, 5, ", world")).isEqualTo(7);

        assertThat(store.uploadSize(upload)).isEqualTo(12);
        assertThat(text(readUpload(upload))).isEqualTo("hello, world");
    }

    @Test
    void appendAtAnOffsetDiscardsEverythingPastIt() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "0123456789");

        assertThat(append(upload, 4, "ab")).isEqualTo(2);

        assertThat(store.uploadSize(upload)).isEqualTo(6);
        assertThat(text(readUpload(upload))).isEqualTo("0123ab");
    }

    @Test
    void appendOfNothingAtAnOffsetStillCutsTheUploadThere() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "0123456789");

        assertThat(append(upload, 3, "")).isZero();

        assertThat(text(readUpload(upload))).isEqualTo("012");
    }

    @Test
    void appendStopsAtTheLimitAndReadsNoFurther() throws IOException {
        UUID upload = newUpload();
        byte[] data = randomBytes(100, 1);
        InputStream in = new ByteArrayInputStream(data);

        long written = store.append(upload, 0, in, 30, sha256());

        assertThat(written).isEqualTo(30);
        assertThat(store.uploadSize(upload)).isEqualTo(30);
        assertThat(readUpload(upload)).isEqualTo(slice(data, 0, 30));
        // The caller checks that nothing follows the declared length, so the rest must be unread.
        assertThat(in.readAllBytes()).isEqualTo(slice(data, 30, 100));
    }

    @Test
    void appendWithLimitZeroWritesNothing() throws IOException {
        UUID upload = newUpload();
        InputStream in = new ByteArrayInputStream(new byte[] {1, 2, 3});

        assertThat(store.append(upload, 0, in, 0, sha256())).isZero();

        assertThat(store.uploadSize(upload)).isZero();
        assertThat(in.available()).isEqualTo(3);
    }

    @Test
    void appendOfAShortStreamReturnsWhatItGot() throws IOException {
        UUID upload = newUpload();

        long written = store.append(upload, 0, new ByteArrayInputStream(new byte[10]), 1000, sha256());

        assertThat(written).isEqualTo(10);
        assertThat(store.uploadSize(upload)).isEqualTo(10);
    }

    @Test
    void theHasherSeesExactlyTheBytesWritten() throws IOException {
        UUID upload = newUpload();
        byte[] data = randomBytes(700_000, 2);
        MessageDigest running = sha256();

        store.append(upload, 0, new ByteArrayInputStream(data), 300_000, running);
        store.append(upload, 300_000, new ByteArrayInputStream(data, 300_000, 400_000), Long.MAX_VALUE, running);

        assertThat(hex(running.digest())).isEqualTo(Digest.sha256(data).hex());
        assertThat(readUpload(upload)).isEqualTo(data);
    }

    @Test
    void theHasherSeesNoBytesPastTheLimit() throws IOException {
        UUID upload = newUpload();
        byte[] data = randomBytes(1000, 3);
        MessageDigest hasher = sha256();

        store.append(upload, 0, new ByteArrayInputStream(data), 999, hasher);

        assertThat(hex(hasher.digest()))
                .isEqualTo(Digest.sha256(slice(data, 0, 999)).hex());
    }

    @Test
    void truncateUploadCutsItBack() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "0123456789");

        store.truncateUpload(upload, 3);

        assertThat(store.uploadSize(upload)).isEqualTo(3);
        assertThat(text(readUpload(upload))).isEqualTo("012");
        append(upload, 3, "xyz");
        assertThat(text(readUpload(upload))).isEqualTo("012xyz");
    }

    @Test
    void truncateUploadToItsSizeChangesNothing() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "abc");

        store.truncateUpload(upload, 3);

        assertThat(text(readUpload(upload))).isEqualTo("abc");
    }

    @Test
    void uploadsAreIndependent() throws IOException {
        UUID a = newUpload();
        UUID b = newUpload();

        append(a, 0, "aaaa");
        append(b, 0, "bb");
        append(a, 4, "AA");
        store.truncateUpload(b, 1);

        assertThat(text(readUpload(a))).isEqualTo("aaaaAA");
        assertThat(text(readUpload(b))).isEqualTo("b");
    }

    @Test
    void deleteUploadRemovesItAndIsIdempotent() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "abc");

        store.deleteUpload(upload);

        assertThatThrownBy(() -> store.uploadSize(upload)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.openUpload(upload)).isInstanceOf(NoSuchFileException.class);
        store.deleteUpload(upload);
        store.deleteUpload(UUID.randomUUID());
    }

    @Test
    void anUnknownUploadCannotBeRead() {
        // BlobUploadService turns NoSuchFileException into BLOB_UPLOAD_UNKNOWN: drivers must throw it.
        assertThatThrownBy(() -> store.openUpload(UUID.randomUUID())).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.uploadSize(UUID.randomUUID())).isInstanceOf(IOException.class);
    }

    @Test
    void anUploadCarriesOnInAnotherInstanceOverTheSameStorage() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "first half, ");

        BlobStore other = newStore(tempDir);
        other.append(upload, 12, stream("second half"), Long.MAX_VALUE, sha256());
        Digest digest = Digest.sha256(bytes("first half, second half"));
        other.commitUpload(upload, digest, 23);

        assertThat(text(readBlob(store, digest, 0))).isEqualTo("first half, second half");
    }

    @Test
    void aCommitOfAnotherSizeThanTheUploadHoldsPlacesNothing() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "twelve bytes");
        Digest digest = Digest.sha256(bytes("twelve bytes"));

        assertThatThrownBy(() -> store.commitUpload(upload, digest, 13)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.commitUpload(upload, digest, 11)).isInstanceOf(IOException.class);

        assertThat(store.stat(digest)).isEmpty();
        assertThat(text(readUpload(upload))).isEqualTo("twelve bytes");
        store.commitUpload(upload, digest, 12);
        assertThat(store.stat(digest)).hasValue(12);
    }

    @Test
    void aStagedUploadIsStillAnUploadUntilItIsCommitted() throws IOException {
        byte[] data = randomBytes(7 * MiB + 1, 23);
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(data, 0, 3 * MiB), Long.MAX_VALUE, sha256());
        store.append(upload, 3 * MiB, new ByteArrayInputStream(data, 3 * MiB, 4 * MiB + 1), Long.MAX_VALUE, sha256());
        Digest digest = Digest.sha256(data);

        assertThatThrownBy(() -> store.stageUpload(upload, digest, data.length - 1))
                .isInstanceOf(IOException.class);
        store.stageUpload(upload, digest, data.length);

        assertThat(store.uploadSize(upload)).isEqualTo(data.length);
        store.commitUpload(upload, digest, data.length);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThatThrownBy(() -> store.uploadSize(upload)).isInstanceOf(IOException.class);
    }

    @Test
    void anUploadOfManySmallAppendsAcrossInstancesCommitsWhole() throws IOException {
        // Chunks of every size, each written by another instance, as replicas behind a balancer do.
        byte[] data = randomBytes(22 * MiB + 5, 21);
        int[] chunks = {6 * MiB, 100, 12 * MiB, 7, 1 * MiB, 17, 2 * MiB + 3, 5 * MiB};
        UUID upload = newUpload();
        MessageDigest running = sha256();
        int offset = 0;
        for (int i = 0; i < chunks.length && offset < data.length; i++) {
            int length = Math.min(chunks[i], data.length - offset);
            BlobStore writer = i % 2 == 0 ? store : newStore(tempDir);
            assertThat(writer.append(upload, offset, new ByteArrayInputStream(data, offset, length), length, running))
                    .isEqualTo(length);
            offset += length;
        }
        assertThat(offset).isEqualTo(data.length);
        assertThat(readUpload(upload)).isEqualTo(data);
        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, running);

        newStore(tempDir).commitUpload(upload, digest, data.length);

        assertThat(digest).isEqualTo(Digest.sha256(data));
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
    }

    @Test
    void aRangedOpenServesTheRange() throws IOException {
        byte[] data = randomBytes(300_000, 22);
        Digest digest = commit(data);

        try (InputStream in = store.open(digest, 1000, 5000)) {
            assertThat(in.readNBytes(5000)).isEqualTo(slice(data, 1000, 6000));
        }
        try (InputStream in = store.open(digest, 299_990, 10)) {
            assertThat(in.readNBytes(10)).isEqualTo(slice(data, 299_990, 300_000));
        }
    }

    // ---- commit and read ------------------------------------------------------------------------

    @Test
    void commitMakesTheBlobReadable() throws IOException {
        byte[] data = randomBytes(100_000, 4);

        Digest digest = commit(data);

        assertThat(store.stat(digest)).hasValue(data.length);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertLocationServes(digest, data);
    }

    @Test
    void anEmptyBlobCanBeCommitted() throws IOException {
        Digest digest = commit(new byte[0]);

        assertThat(store.stat(digest)).hasValue(0);
        assertThat(readBlob(store, digest, 0)).isEmpty();
    }

    @Test
    void aSha512BlobCanBeCommitted() throws IOException {
        byte[] data = bytes("sha512 content");
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(data), Long.MAX_VALUE, sha256());
        Digest digest = Digest.of(Digest.Algorithm.SHA512, data);

        store.commitUpload(upload, digest, data.length);

        assertThat(store.stat(digest)).hasValue(data.length);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
        assertThat(store.stat(Digest.sha256(data))).isEmpty();
    }

    @Test
    void afterCommitTheUploadIsGone() throws IOException {
        UUID upload = newUpload();
        append(upload, 0, "content");

        store.commitUpload(upload, Digest.sha256(bytes("content")), 7);

        assertThatThrownBy(() -> store.openUpload(upload)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.uploadSize(upload)).isInstanceOf(IOException.class);
    }

    @Test
    void committingTheSameContentTwiceLeavesOneIntactBlob() throws IOException {
        byte[] data = randomBytes(50_000, 5);

        Digest first = commit(data);
        try (InputStream reading = store.open(first, 0)) {
            Digest second = commit(data);

            assertThat(second).isEqualTo(first);
            // A reader that opened the blob before the second commit still gets every byte.
            assertThat(reading.readAllBytes()).isEqualTo(data);
        }
        assertThat(store.stat(first)).hasValue(data.length);
        assertThat(readBlob(store, first, 0)).isEqualTo(data);

        store.delete(first);
        assertThat(store.stat(first)).as("one delete removes the one blob").isEmpty();
    }

    @Test
    void openAtAnOffsetStartsThere() throws IOException {
        byte[] data = randomBytes(10_000, 6);
        Digest digest = commit(data);

        assertThat(readBlob(store, digest, 1)).isEqualTo(slice(data, 1, data.length));
        assertThat(readBlob(store, digest, 9_999)).isEqualTo(slice(data, 9_999, data.length));
        assertThat(readBlob(store, digest, 10_000)).isEmpty();
    }

    @Test
    void anUnknownDigestIsNotThere() {
        Digest unknown = Digest.sha256(bytes("never stored"));

        assertThat(store.stat(unknown)).isEmpty();
        assertThat(store.locate(unknown)).isEmpty();
        assertThatThrownBy(() -> store.open(unknown, 0)).isInstanceOf(IOException.class);
    }

    @Test
    void deleteRemovesTheBlobAndIsIdempotent() throws IOException {
        Digest digest = commit(bytes("to be deleted"));
        Digest kept = commit(bytes("to be kept"));

        store.delete(digest);

        assertThat(store.stat(digest)).isEmpty();
        assertThat(store.locate(digest)).isEmpty();
        assertThatThrownBy(() -> store.open(digest, 0)).isInstanceOf(IOException.class);
        store.delete(digest);
        store.delete(Digest.sha256(bytes("never stored")));
        assertThat(text(readBlob(store, kept, 0))).isEqualTo("to be kept");
    }

    @Test
    void aDeletedBlobCanBeCommittedAgain() throws IOException {
        Digest digest = commit(bytes("again"));
        store.delete(digest);

        assertThat(commit(bytes("again"))).isEqualTo(digest);

        assertThat(text(readBlob(store, digest, 0))).isEqualTo("again");
    }

    @Test
    void committedBlobsOutliveTheInstance() throws IOException {
        Digest digest = commit(bytes("durable"));

        BlobStore reopened = newStore(tempDir);

        assertThat(reopened.stat(digest)).hasValue(7);
        assertThat(text(readBlob(reopened, digest, 0))).isEqualTo("durable");
    }

    // ---- volume and concurrency -----------------------------------------------------------------

    @Test
    void aLargeUploadInSeveralAppendsHashesCorrectly() throws IOException {
        long size = 20L * MiB + 12_345;
        UUID upload = newUpload();
        MessageDigest running = sha256();
        MessageDigest expected = sha256();
        Random random = new Random(7);
        long offset = 0;
        while (offset < size) {
            int chunk = (int) Math.min(size - offset, 1 + random.nextInt(5 * MiB));
            byte[] bytes = randomBytes(chunk, random.nextLong());
            expected.update(bytes);
            assertThat(store.append(upload, offset, new ByteArrayInputStream(bytes), chunk, running))
                    .isEqualTo(chunk);
            offset += chunk;
        }
        assertThat(store.uploadSize(upload)).isEqualTo(size);
        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, running);
        assertThat(digest.hex()).isEqualTo(hex(expected.digest()));

        store.commitUpload(upload, digest, size);

        assertThat(store.stat(digest)).hasValue(size);
        MessageDigest reread = sha256();
        try (InputStream in = store.open(digest, 0)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                reread.update(buffer, 0, n);
            }
        }
        assertThat(hex(reread.digest())).isEqualTo(digest.hex());
    }

    @Test
    void concurrentUploadsOfDifferentBlobsDoNotInterfere() throws Exception {
        int uploads = 8;
        CyclicBarrier start = new CyclicBarrier(uploads);
        List<Callable<Digest>> tasks = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            byte[] data = randomBytes(1 * MiB + i, 100 + i);
            contents.add(data);
            tasks.add(() -> {
                UUID upload = UUID.randomUUID();
                store.createUpload(upload);
                start.await(30, TimeUnit.SECONDS);
                MessageDigest hasher = sha256();
                for (int offset = 0; offset < data.length; offset += 64 * 1024) {
                    int length = Math.min(64 * 1024, data.length - offset);
                    store.append(upload, offset, new ByteArrayInputStream(data, offset, length), length, hasher);
                    Thread.yield();
                }
                Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, hasher);
                store.commitUpload(upload, digest, data.length);
                return digest;
            });
        }

        List<Digest> digests = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(uploads)) {
            for (Future<Digest> f : pool.invokeAll(tasks)) {
                digests.add(f.get(60, TimeUnit.SECONDS));
            }
        }

        for (int i = 0; i < uploads; i++) {
            byte[] data = contents.get(i);
            assertThat(digests.get(i)).isEqualTo(Digest.sha256(data));
            assertThat(store.stat(digests.get(i))).hasValue(data.length);
            assertThat(readBlob(store, digests.get(i), 0)).isEqualTo(data);
        }
    }

    @Test
    void concurrentCommitsOfTheSameContentAllSucceed() throws Exception {
        int uploads = 6;
        byte[] data = randomBytes(256 * 1024, 8);
        Digest digest = Digest.sha256(data);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            UUID upload = newUpload();
            store.append(upload, 0, new ByteArrayInputStream(data), data.length, sha256());
            ids.add(upload);
        }
        CyclicBarrier start = new CyclicBarrier(uploads);

        try (ExecutorService pool = Executors.newFixedThreadPool(uploads)) {
            List<Future<Object>> done = new ArrayList<>();
            for (UUID id : ids) {
                done.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    store.commitUpload(id, digest, data.length);
                    return null;
                }));
            }
            for (Future<Object> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }

        assertThat(store.stat(digest)).hasValue(data.length);
        assertThat(readBlob(store, digest, 0)).isEqualTo(data);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * A location, when the driver gives one, must serve the blob's bytes. Drivers may override this
     * to follow their own kind of location (for example fetch a presigned URL).
     */
    protected void assertLocationServes(Digest digest, byte[] expected) throws IOException {
        switch (store.locate(digest).orElse(null)) {
            case BlobLocation.LocalFile f ->
                assertThat(Files.readAllBytes(f.path())).isEqualTo(expected);
            case BlobLocation.Redirect r -> assertThat(r.uri()).isNotNull();
            case null -> {}
        }
    }

    protected UUID newUpload() throws IOException {
        UUID upload = UUID.randomUUID();
        store.createUpload(upload);
        return upload;
    }

    protected Digest commit(byte[] data) throws IOException {
        UUID upload = newUpload();
        MessageDigest hasher = sha256();
        store.append(upload, 0, new ByteArrayInputStream(data), data.length, hasher);
        Digest digest = Digest.fromHasher(Digest.Algorithm.SHA256, hasher);
        store.commitUpload(upload, digest, data.length);
        return digest;
    }

    private long append(UUID upload, long offset, String text) throws IOException {
        return store.append(upload, offset, stream(text), Long.MAX_VALUE, sha256());
    }

    private byte[] readUpload(UUID upload) throws IOException {
        try (InputStream in = store.openUpload(upload)) {
            return in.readAllBytes();
        }
    }

    protected static byte[] readBlob(BlobStore from, Digest digest, long offset) throws IOException {
        try (InputStream in = from.open(digest, offset)) {
            return in.readAllBytes();
        }
    }

    protected static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static MessageDigest sha256() {
        return Digest.Algorithm.SHA256.newHasher();
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(bytes(text));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] slice(byte[] data, int from, int to) {
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    private static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
