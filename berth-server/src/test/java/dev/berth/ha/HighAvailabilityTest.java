package dev.berth.ha;

import dev.berth.support.OneHeavyAtATime;
import dev.berth.support.S3TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;

/**
 * The high-availability scenario ({@link HighAvailabilityScenario}) on both deployments, one after
 * the other. They are the heaviest classes of the build (three Berth processes and nginx each) and
 * take turns with the other heavy ones ({@link OneHeavyAtATime}); as two classes, one test JVM could
 * take the second while the other JVM ran the first, and wait idle for it to end.
 */
@OneHeavyAtATime
class HighAvailabilityTest {
    /** The replicas share one data directory (a ReadWriteMany volume, NFS): blobs and uploads in progress. */
    @Nested
    class SharedFilesystem extends HighAvailabilityScenario {
        @Override
        Replicas.Storage storage() {
            return Replicas.SHARED_FILESYSTEM;
        }
    }

    /**
     * The replicas share one S3 bucket (s3proxy in the test JVM) and nothing on disk: each has a data
     * directory of its own, so an upload that spans replicas can only meet itself in the bucket and
     * the database. Blob pulls are answered with redirects to presigned URLs, as by default.
     */
    @Nested
    class S3 extends HighAvailabilityScenario {
        @Override
        Replicas.Storage storage() {
            return new Replicas.Storage() {
                @Override
                public List<String> args(Path dir) {
                    S3TestServer s3 = S3TestServer.shared();
                    List<String> args = new ArrayList<>(s3.berthArguments(s3.newBucket(), true));
                    args.add("--berth.storage.s3.root-directory=berth");
                    return args;
                }

                @Override
                public Path dataDir(Path dir, int replica) {
                    return dir.resolve("data-" + replica);
                }
            };
        }
    }
}
