package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob's readers follow the fetch from memory (the head), then from the store's upload file or,
 * where the store cannot be read in place, from a spool; never the last byte before verification.
 */
class BlobFetchTest {
    @TempDir
    Path dir;

    private final byte[] blob = random(300_000);

    @Test
    void readersFollowTheStoresUploadFileAndGetTheLastByteOnlyOnceVerified() throws Exception {
        BlobFetch fetch = new BlobFetch(dir.resolve("spool"), offset -> InputStream.nullInputStream());
        fetch.sized(blob.length);
        fetch.head(Arrays.copyOf(blob, 1000), 1000);
        Path upload = dir.resolve("upload");
        try (FileChannel writer = FileChannel.open(upload, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            fetch.readable(FileChannel.open(upload, StandardOpenOption.READ));
            InputStream reader = fetch.open(0, blob.length);
            CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> readAll(reader));
            // the tee writes nothing of its own when the upload is followed
            try (InputStream tee = fetch.tee(new ByteArrayInputStream(blob, 1000, blob.length - 1000))) {
                tee.readAllBytes();
            }
            writer.write(ByteBuffer.wrap(blob), 0);
            fetch.written(blob.length);
            assertThatThrownBy(() -> all.get(300, TimeUnit.MILLISECONDS))
                    .as("the last byte waits for verification")
                    .isInstanceOf(TimeoutException.class);
            fetch.verified();
            assertThat(all.get(10, TimeUnit.SECONDS)).isEqualTo(blob);
        }
        assertThat(dir.resolve("spool")).doesNotExist();
        fetch.stored();
    }

    @Test
    void withoutAFollowableUploadReadersReadTheSpoolAndAFailureBreaksThem() throws Exception {
        BlobFetch fetch = new BlobFetch(dir.resolve("spool"), offset -> InputStream.nullInputStream());
        fetch.sized(blob.length);
        fetch.head(Arrays.copyOf(blob, 65_536), 65_536);
        InputStream early = fetch.open(10, 100_000);
        try (InputStream tee = fetch.tee(new ByteArrayInputStream(blob, 65_536, blob.length - 65_536))) {
            tee.readAllBytes();
        }
        assertThat(readAll(early)).isEqualTo(Arrays.copyOfRange(blob, 10, 100_010));
        InputStream whole = fetch.open(0, blob.length);
        CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> readAll(whole));
        try (var spooled = Files.list(dir.resolve("spool"))) {
            assertThat(spooled).as("unlinked once open").isEmpty();
        }
        fetch.failed(new IOException("digest mismatch"));
        assertThatThrownBy(() -> all.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("digest mismatch");
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(17).nextBytes(b);
        return b;
    }
}
