package dev.berth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that runs three Berth processes at once under load, with short leases and a kill
 * (the replica scenarios, the outbox under fire). The build runs test classes in two JVMs side by
 * side; two such classes at once would starve each other's replicas of CPU on a small machine (a
 * lease of a few seconds missed, a start-up timed out), so they take turns: each holds a lock on
 * {@code target/heavy-tests.lock} for its whole run, shared by every JVM of the build. Other classes
 * still run beside them. The lock costs the JVM that waits for it its time, so it is kept for the
 * few classes that need it; tests that start Berth processes one after another do not.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
@ExtendWith(OneHeavyAtATime.Lock.class)
public @interface OneHeavyAtATime {
    /**
     * Takes the build-wide lock before the class's first callback and gives it back after its last;
     * re-entrant within this JVM (a nested class of a heavy class runs under its outer class's hold).
     */
    final class Lock implements BeforeAllCallback, AfterAllCallback {
        private static final Path FILE = Path.of("target", "heavy-tests.lock").toAbsolutePath();
        private static FileChannel channel;
        private static FileLock lock;
        private static int holds;

        @Override
        public void beforeAll(ExtensionContext context) {
            acquire();
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            release();
        }

        private static synchronized void acquire() {
            if (holds++ > 0) {
                return;
            }
            try {
                Files.createDirectories(FILE.getParent());
                channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = channel.lock(); // waits while a heavy class of another JVM runs
            } catch (IOException e) {
                holds--;
                throw new UncheckedIOException(e);
            }
        }

        private static synchronized void release() throws IOException {
            if (holds == 0 || --holds > 0) {
                return; // never taken (the class failed before), or still held by an outer class
            }
            lock.release();
            channel.close();
        }
    }
}
