package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The filesystem driver: the shared contract plus what only a filesystem can show. */
class FilesystemBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore(Path dir) throws IOException {
        return new FilesystemBlobStore(dir);
    }

    @Test
    void blobsLiveAtAlgorithmTwoHexPrefixAndHex() throws IOException {
        byte[] data = bytes("layout");
        Digest digest = commit(data);
        String hex = digest.hex();

        Path expected =
                tempDir.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);

        assertThat(expected).isRegularFile().hasBinaryContent(data);
        assertThat(store.locate(digest)).contains(new BlobLocation.LocalFile(expected.toAbsolutePath()));
        assertThat(regularFilesUnder(tempDir.resolve("blobs"))).containsExactly(expected);
    }

    @Test
    void sha512BlobsLiveUnderTheirOwnAlgorithm() throws IOException {
        byte[] data = bytes("layout 512");
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(data), data.length, sha256());
        Digest digest = Digest.of(Digest.Algorithm.SHA512, data);

        store.commitUpload(upload, digest, data.length);

        String hex = digest.hex();
        assertThat(tempDir.resolve("blobs/sha512").resolve(hex.substring(0, 2)).resolve(hex))
                .hasBinaryContent(data);
    }

    @Test
    void uploadsLiveUnderUploadsNamedByTheirId() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(bytes("partial")), Long.MAX_VALUE, sha256());

        assertThat(tempDir.resolve("uploads").resolve(upload.toString())).hasBinaryContent(bytes("partial"));
    }

    @Test
    void nothingAppearsUnderBlobsBeforeCommit() throws IOException {
        byte[] data = randomBytes(3 * 1024 * 1024, 11);
        UUID upload = newUpload();
        assertThat(regularFilesUnder(tempDir.resolve("blobs"))).isEmpty();

        store.append(upload, 0, new ByteArrayInputStream(data), 1024 * 1024, sha256());
        assertThat(regularFilesUnder(tempDir.resolve("blobs"))).isEmpty();
        store.append(
                upload,
                1024 * 1024,
                new ByteArrayInputStream(data, 1024 * 1024, data.length),
                Long.MAX_VALUE,
                sha256());
        store.truncateUpload(upload, data.length);
        try (InputStream in = store.openUpload(upload)) {
            in.readAllBytes();
        }
        assertThat(regularFilesUnder(tempDir.resolve("blobs"))).isEmpty();

        store.commitUpload(upload, Digest.sha256(data), data.length);

        assertThat(regularFilesUnder(tempDir.resolve("blobs"))).hasSize(1);
        assertThat(regularFilesUnder(tempDir.resolve("uploads"))).isEmpty();
    }

    @Test
    void aCancelledUploadLeavesNoFileAnywhere() throws IOException {
        UUID upload = newUpload();
        store.append(upload, 0, new ByteArrayInputStream(bytes("abandoned")), Long.MAX_VALUE, sha256());

        store.deleteUpload(upload);

        assertThat(regularFilesUnder(tempDir)).isEmpty();
    }

    @Test
    void aCommittedFileIsCompleteAndTheOnlyFileLeft() throws IOException {
        byte[] data = randomBytes(5 * 1024 * 1024 + 3, 12);

        Digest digest = commit(data);

        Path file = ((BlobLocation.LocalFile) store.locate(digest).orElseThrow()).path();
        assertThat(Files.size(file)).isEqualTo(data.length);
        assertThat(Digest.sha256(Files.readAllBytes(file))).isEqualTo(digest);
        assertThat(regularFilesUnder(tempDir)).containsExactly(file);
    }

    @Test
    void aStoreOpensOverAnExistingRootAndCreatesAMissingOne() throws IOException {
        Path fresh = tempDir.resolve("nested/new-root");

        new FilesystemBlobStore(fresh);

        assertThat(fresh.resolve("blobs")).isDirectory();
        assertThat(fresh.resolve("uploads")).isDirectory();
    }

    @Test
    void aFollowedUploadIsReadableAfterEachWriteAndAfterItsCommit() throws IOException {
        byte[] data = randomBytes(600 * 1024, 13);
        UUID upload = newUpload();
        List<Long> sizes = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        try (FileChannel follower = store.followUpload(upload).orElseThrow()) {
            // small reads, as from a socket: every one is written, then reported, then readable
            InputStream trickle = new FilterInputStream(new ByteArrayInputStream(data)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, 100_000));
                }
            };
            store.append(upload, 0, trickle, data.length, sha256(), size -> {
                sizes.add(size);
                ByteBuffer all = ByteBuffer.allocate((int) (long) size);
                try {
                    follower.read(all, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                seen.add(all.array());
            });
            assertThat(sizes).containsExactly(100_000L, 200_000L, 300_000L, 400_000L, 500_000L, 600_000L, 614_400L);
            assertThat(seen.getLast()).isEqualTo(data);
            assertThat(seen.getFirst()).isEqualTo(Arrays.copyOf(data, 100_000));

            Digest digest = Digest.sha256(data);
            store.commitUpload(upload, digest, data.length);
            ByteBuffer after = ByteBuffer.allocate(data.length);
            follower.read(after, 0);
            assertThat(after.array()).isEqualTo(data);
        }
    }

    private static List<Path> regularFilesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(Path::toAbsolutePath).toList();
        }
    }
}
