package dev.berth.proxy;

import dev.berth.registry.PullThrough;
import dev.berth.storage.Digest;
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
 * <p>The fetch reads the upstream through {@link #tee}, which copies every byte into a spool file
 * on local disk before handing it on to the store (the upload path, which verifies the digest and
 * commits). Readers read the spool from any offset and wait at its end for more: a client that
 * joins late reads what has arrived, then follows. The spool is unlinked as soon as it is opened,
 * so a crash leaves nothing behind; its channel closes when the fetch and its last reader are done.
 * Readers never see an object store's partial upload, only the local spool.
 *
 * <p><b>Invariant</b>: a reader never gets the blob's last byte before the bytes are verified
 * against the digest: by the upload path, which hashes the bytes the tee hands it as it writes them
 * and says so ({@link #verified}) when they match, or by the store's commit. A client that received
 * every byte therefore received the right ones; when the fetch fails (the digest does not match,
 * the upstream breaks off for good), every reader's stream throws and its client's connection
 * breaks short of {@code Content-Length}. Being told at the match, not at the commit, lets clients
 * finish at the upstream's pace instead of waiting for the commit (an fsync and a transaction),
 * and the bytes are hashed once, not once for the readers and again for the store; whether the
 * blob is then stored is the store's business (a failed commit stores nothing).
 */
final class BlobFetch implements PullThrough.StreamedBlob {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final CompletableFuture<Long> sized = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final FileChannel spool;
    private long size = -1;
    private long written;
    private boolean stored;
    private boolean verified;
    private Throwable failure;
    /** Another replica fetched and stored the blob: readers read storage, the spool was never used. */
    private boolean elsewhere;
    /** The fetch itself and every open reader. */
    private int holders = 1;

    private final Stored storedCopy;

    /** Opens the stored blob from an offset: for readers that come after the spool has closed. */
    interface Stored {
        InputStream open(long offset) throws IOException;
    }

    BlobFetch(Path spoolDir, Digest digest, Stored storedCopy) throws IOException {
        this.storedCopy = storedCopy;
        Files.createDirectories(spoolDir);
        Path file = Files.createTempFile(spoolDir, "blob-", ".spool");
        this.spool = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.delete(file);
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

    /** {@code in}, with every byte read through it also written to the spool for the readers. */
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
                if (n > 0) {
                    spooled(b, off, n);
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private void spooled(byte[] b, int off, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, n);
        long at = written; // only this thread writes
        while (buffer.hasRemaining()) {
            at += spool.write(buffer, at);
        }
        lock.lock();
        try {
            written = at;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The store has hashed every byte it wrote (the bytes the tee handed it) and they match the
     * digest: readers may have the last byte, before the commit.
     */
    void verified() {
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
        boolean close;
        lock.lock();
        try {
            close = --holders == 0;
        } finally {
            lock.unlock();
        }
        if (close) {
            try {
                spool.close();
            } catch (IOException ignored) {
                // an unlinked file: nothing is left either way
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the upstream");
            } finally {
                lock.unlock();
            }
            int n = (int) Math.min(len, Math.min(available, end) - position);
            int read = spool.read(ByteBuffer.wrap(b, off, n), position);
            if (read < 0) {
                throw new IOException("the spool ended early");
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
