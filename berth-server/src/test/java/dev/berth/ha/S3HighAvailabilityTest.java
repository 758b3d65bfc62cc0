package dev.berth.ha;

import dev.berth.support.S3TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicas share one S3 bucket (s3proxy in the test JVM) and nothing on disk: each has a data
 * directory of its own, so an upload that spans replicas can only meet itself in the bucket and
 * the database. Blob pulls are answered with redirects to presigned URLs, as by default.
 */
class S3HighAvailabilityTest extends HighAvailabilityScenario {
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
