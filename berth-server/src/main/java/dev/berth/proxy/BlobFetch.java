package dev.berth.proxy;

import dev.berth.registry.PullThrough;
import dev.berth.registry.UploadWatcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One blob on its way from the upstream into storage, readable by any number of clients while it
 * arrives.
 *
 * <p>The bytes are written once: the fetch hands them to the store (the upload path, which hashes
 * them as it writes them, verifies the digest and commits), and readers read the store's upload
 * file as it grows ({@link #readable}, {@link #written}); the channel reads the same bytes after
 * the commit has renamed the file into place. The first bytes, read before the store's upload has
 * started, are kept in memory ({@link #head}) so they reach the clients at once. Where the store's
 * uploads cannot be read in place (an object store), the fetch copies the bytes it reads into a
 * spool file on local disk instead ({@link #tee}), unlinked as soon as it is opened so a crash
 * leaves nothing behind; readers never see an object store's partial upload. Readers read from any
 * offset and wait at the end for more: a client that joins late reads what has arrived, then
 * follows. The channel closes when the fetch and its last reader are done.
 *
 * <p><b>Invariant</b>: a reader never gets the blob's last byte before the bytes are verified
 * against the digest: by the upload path, which hashes the bytes as it writes them and says so
 * ({@link #verified}) when they match, or by the store's commit. A client that received every byte
 * therefore received the right ones; when the fetch fails (the digest does not match, the upstream
 * breaks off for good), every reader's stream throws and its client's connection breaks short of
 * {@code Content-Length}. Being told at the match, not at the commit, lets clients finish at the
 * upstream's pace instead of waiting for the commit (an fsync and a transaction), and the bytes are
 * hashed once, not once for the readers and again for the store; whether the blob is then stored is
 * the store's business (a failed commit stores nothing).
 */
final class BlobFetch implements PullThrough.StreamedBlob, UploadWatcher {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final CompletableFuture<Long> sized = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Path spoolDir;
    /** The first bytes, read before the store's upload started: readers have them from memory. */
    private byte[] head = new byte[0];
    /** The store's upload (followed) or the spool, at the blob's offsets; null until either is there. */
    private FileChannel bytes;
    /** The fetch thread's: whether {@link #bytes} is the store's upload, which reports its own progress. */
    private boolean following;
    /** The fetch thread's: where the spool's next byte goes. */
    private long spooled;

    private long size = -1;
    private long written;
    private boolean stored;
    private boolean verified;
    private Throwable failure;
    /** Another replica fetched and stored the blob: readers read storage, nothing local was used. */
    private boolean elsewhere;
    /** The fetch itself and every open reader. */
    private int holders = 1;

    private final Stored storedCopy;

    /** Opens the stored blob from an offset: for readers that come after the fetch and its readers are done. */
    interface Stored {
        InputStream open(long offset) throws IOException;
    }

    /** @param spoolDir where a spool file goes, should the store's uploads not be readable in place */
    BlobFetch(Path spoolDir, Stored storedCopy) {
        this.spoolDir = spoolDir;
        this.storedCopy = storedCopy;
    }

    // ---- the fetch's side -----------------------------------------------------------------------

    /** The upstream has said how long the blob is ({@code -1}: it did not). */
    void sized(long length) {
        lock.lock();
        try {
            size = length;
        } finally {
            lock.unlock();
        }
        sized.complete(length);
    }

    /** The blob's first {@code n} bytes, read before the store's upload starts: readers may have them now. */
    void head(byte[] first, int n) {
        byte[] copy = n == first.length ? first : java.util.Arrays.copyOf(first, n);
        spooled = n;
        lock.lock();
        try {
            head = copy;
            written = n;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The store's upload can be read as it is written: readers follow it, no spool. */
    @Override
    public void readable(FileChannel upload) {
        following = true;
        lock.lock();
        try {
            bytes = upload;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void written(long uploaded) {
        if (!following) {
            return; // the spool's progress is the tee's
        }
        lock.lock();
        try {
            if (uploaded > written) {
                written = uploaded;
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code in}, with every byte read through it also written to a spool for the readers, unless
     * the store's upload is followed instead (known before the first byte is read through it).
     */
    InputStream tee(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0 && !following) {
                    spool(b, off, n);
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private void spool(byte[] b, int off, int n) throws IOException {
        FileChannel spool = bytes;
        if (spool == null) {
            Files.createDirectories(spoolDir);
            Path file = Files.createTempFile(spoolDir, "blob-", ".spool");
            spool = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Files.delete(file);
            lock.lock();
            try {
                bytes = spool;
            } finally {
                lock.unlock();
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, n);
        long at = spooled; // only this thread writes
        while (buffer.hasRemaining()) {
            at += spool.write(buffer, at);
        }
        spooled = at;
        lock.lock();
        try {
            written = at;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The store has hashed every byte it wrote and they match the digest: readers may have the last
     * byte, before the commit.
     */
    @Override
    public void verified() {
        lock.lock();
        try {
            verified = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The blob is verified and committed: readers may have its last byte. */
    void stored() {
        end(null);
    }

    void failed(Throwable cause) {
        end(cause);
    }

    /**
     * Another replica fetched the blob and has stored it: this fetch never read the upstream, and
     * its readers (none has opened yet: they open once sized) read the stored blob.
     */
    void storedElsewhere(long length) {
        lock.lock();
        try {
            size = length;
            stored = true;
            elsewhere = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        release();
        sized.complete(length);
        done.complete(null);
    }

    private void end(Throwable cause) {
        lock.lock();
        try {
            stored = cause == null;
            failure = cause;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        if (cause == null) {
            sized.complete(size);
            done.complete(null);
        } else {
            sized.completeExceptionally(cause);
            done.completeExceptionally(cause);
        }
        release();
    }

    // ---- the waiters' side ----------------------------------------------------------------------

    /** Completes with the blob's length once the upstream has answered (-1 when it did not say). */
    CompletableFuture<Long> whenSized() {
        return sized;
    }

    /** Completes once the blob is stored, or with the fetch's failure. */
    CompletableFuture<Void> whenDone() {
        return done;
    }

    @Override
    public long size() {
        return sized.join();
    }

    /**
     * A reader from {@code offset}: of the spool while it is open, else (the fetch has ended and its
     * last reader gone) of the stored blob.
     */
    @Override
    public InputStream open(long offset, long length) throws IOException {
        lock.lock();
        try {
            if (holders > 0 && !elsewhere) {
                holders++;
                return new Reader(offset, offset + length);
            }
            if (failure != null) {
                throw new IOException("the upstream fetch failed: " + failure.getMessage(), failure);
            }
        } finally {
            lock.unlock();
        }
        return storedCopy.open(offset);
    }

    private void release() {
        FileChannel close = null;
        lock.lock();
        try {
            if (--holders == 0) {
                close = bytes;
            }
        } finally {
            lock.unlock();
        }
        if (close != null) {
            try {
                close.close();
            } catch (IOException ignored) {
                // read-only, or an unlinked spool: nothing is left either way
            }
        }
    }

    /** How far readers may read now: all of it once verified or stored, else all but the last byte. */
    private long readableEnd() {
        if (stored || verified) {
            return written;
        }
        return size >= 0 ? Math.min(written, size - 1) : written;
    }

    private final class Reader extends InputStream {
        private final long end;
        private long position;
        private boolean closed;

        Reader(long offset, long end) {
            this.position = offset;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            long available;
            FileChannel from;
            byte[] first;
            lock.lock();
            try {
                while (true) {
                    if (failure != null) {
                        throw new IOException("the upstream fetch failed: " + failure.getMessage(), failure);
                    }
                    available = readableEnd();
                    if (available > position) {
                        break;
                    }
                    if (stored) {
                        throw new IOException("the blob is shorter than the range asked for");
                    }
                    progress.await();
                }
                from = bytes;
                first = head;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the upstream");
            } finally {
                lock.unlock();
            }
            int n = (int) Math.min(len, Math.min(available, end) - position);
            if (position < first.length) {
                n = (int) Math.min(n, first.length - position);
                System.arraycopy(first, (int) position, b, off, n);
                position += n;
                return n;
            }
            // Past the head, what is available is in the channel: set before anything is counted there.
            int read = from.read(ByteBuffer.wrap(b, off, n), position);
            if (read < 0) {
                // cut back by a failed write: the fetch is failing
                throw new IOException("the blob's bytes ended early");
            }
            position += read;
            return read;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }
    }
}
