package dev.berth.support;

import java.util.HashMap;
import java.util.Map;

/**
 * Two Berth replicas sharing one database and one S3 bucket (s3proxy in this JVM), as a
 * scaled-out deployment has them; one answers blob pulls with presigned redirects, the other
 * streams the bytes itself. Garbage collection has no delays, so tests can collect at once.
 */
public final class S3Replicas {
    private static S3Replicas shared;

    private final TestDatabase database;
    private final String bucket;
    private final BerthServer redirecting;
    private final BerthServer proxying;

    private S3Replicas() {
        S3TestServer s3 = S3TestServer.shared();
        database = TestDatabase.migrated();
        bucket = s3.newBucket();
        redirecting = BerthServer.withDatabase(database, properties(s3, true));
        proxying = BerthServer.withDatabase(database, properties(s3, false));
    }

    private Map<String, String> properties(S3TestServer s3, boolean redirect) {
        Map<String, String> p = new HashMap<>(s3.berthProperties(bucket, redirect));
        p.put("berth.storage.s3.root-directory", "berth");
        p.put("berth.gc.review-delay", "0s");
        p.put("berth.gc.upload-grace", "0s");
        return p;
    }

    /** One pair for the test classes of this JVM, stopped when it exits. */
    public static synchronized S3Replicas shared() {
        if (shared == null) {
            shared = new S3Replicas();
            S3Replicas replicas = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(replicas::close));
        }
        return shared;
    }

    /** The replica that answers blob GETs with a redirect to a presigned URL (the default). */
    public BerthServer redirecting() {
        return redirecting;
    }

    /** The replica with {@code berth.storage.s3.redirect=false}: it streams blob bytes itself. */
    public BerthServer proxying() {
        return proxying;
    }

    public String bucket() {
        return bucket;
    }

    /** The key prefix both replicas keep their objects under. */
    public String root() {
        return "berth/";
    }

    private synchronized void close() {
        redirecting.close();
        proxying.close();
        database.close();
    }
}
