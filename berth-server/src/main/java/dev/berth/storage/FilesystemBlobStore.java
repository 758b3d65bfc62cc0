package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Blobs as files under a root directory:
 *
 * <pre>
 * &lt;root&gt;/
 *   blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;   committed, immutable, written by rename
 *   uploads/&lt;upload uuid&gt;                       bytes of an upload in progress
 * </pre>
 *
 * An upload is flushed to disk and renamed into place atomically, so a blob file is either absent
 * or complete, whatever happens to the process.
 */
public final class FilesystemBlobStore implements ListableBlobStore {
    private static final int BUFFER = 256 * 1024;

    private final Path blobs;
    private final Path uploads;

    public FilesystemBlobStore(Path root) throws IOException {
        this.blobs = root.resolve("blobs").toAbsolutePath();
        this.uploads = root.resolve("uploads").toAbsolutePath();
        Files.createDirectories(blobs);
        Files.createDirectories(uploads);
    }

    Path blobPath(Digest digest) {
        String hex = digest.hex();
        return blobs.resolve(digest.algorithm().prefix())
                .resolve(hex.substring(0, 2))
                .resolve(hex);
    }

    private Path uploadPath(UUID upload) {
        return uploads.resolve(upload.toString());
    }

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return OptionalLong.of(Files.size(blobPath(digest)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public Optional<BlobLocation> locate(Digest digest) {
        Path path = blobPath(digest);
        return Files.isRegularFile(path) ? Optional.of(new BlobLocation.LocalFile(path)) : Optional.empty();
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        FileChannel channel = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    @Override
    public void createUpload(UUID upload) throws IOException {
        Files.createFile(uploadPath(upload));
    }

    @Override
    public long uploadSize(UUID upload) throws IOException {
        return Files.size(uploadPath(upload));
    }

    @Override
    public long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException {
        return append(upload, offset, in, limit, hasher, size -> {});
    }

    @Override
    public long append(
            UUID upload, long offset, InputStream in, long limit, MessageDigest hasher, LongConsumer appended)
            throws IOException {
        try (FileChannel out = FileChannel.open(uploadPath(upload), StandardOpenOption.WRITE)) {
            if (out.size() > offset) {
                out.truncate(offset);
            }
            out.position(offset);
            byte[] buffer = new byte[BUFFER];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            long written = 0;
            while (written < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - written));
                if (n < 0) {
                    break;
                }
                hasher.update(buffer, 0, n);
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
                written += n;
                appended.accept(offset + written);
            }
            return written;
        }
    }

    /** The upload's file: a channel on it reads the same inode after the commit's rename. */
    @Override
    public Optional<FileChannel> followUpload(UUID upload) throws IOException {
        return Optional.of(FileChannel.open(uploadPath(upload), StandardOpenOption.READ));
    }

    @Override
    public void truncateUpload(UUID upload, long size) throws IOException {
        try (FileChannel out = FileChannel.open(uploadPath(upload), StandardOpenOption.WRITE)) {
            out.truncate(size);
        }
    }

    @Override
    public InputStream openUpload(UUID upload) throws IOException {
        return Files.newInputStream(uploadPath(upload));
    }

    /** A rename is quick: nothing to do ahead of the commit but check the size. */
    @Override
    public void stageUpload(UUID upload, Digest digest, long size) throws IOException {
        long held = Files.size(uploadPath(upload));
        if (held != size) {
            throw new IOException("upload " + upload + " holds " + held + " bytes, not " + size);
        }
    }

    @Override
    public void commitUpload(UUID upload, Digest digest, long size) throws IOException {
        Path source = uploadPath(upload);
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            if (channel.size() != size) {
                throw new IOException("upload " + upload + " holds " + channel.size() + " bytes, not " + size);
            }
            channel.force(true);
        }
        Path target = blobPath(digest);
        Files.createDirectories(target.getParent());
        try {
            // Replacing an identical file is harmless: readers keep the inode they opened.
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("blob and upload directories must be on one filesystem", e);
        }
        fsyncDirectory(target.getParent());
    }

    @Override
    public void deleteUpload(UUID upload) throws IOException {
        Files.deleteIfExists(uploadPath(upload));
    }

    @Override
    public void delete(Digest digest) throws IOException {
        try {
            Files.delete(blobPath(digest));
        } catch (NoSuchFileException e) {
            // already gone: deleting is idempotent
        }
    }

    @Override
    public void forEachBlob(Consumer<Digest> each) throws IOException {
        for (Digest.Algorithm algorithm : Digest.Algorithm.values()) {
            Path dir = blobs.resolve(algorithm.prefix());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, 2)) {
                files.filter(Files::isRegularFile)
                        .map(p -> Digest.parse(algorithm.prefix() + ":" + p.getFileName()))
                        .flatMap(Optional::stream)
                        .forEach(each);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
