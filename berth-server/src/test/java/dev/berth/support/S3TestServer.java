package dev.berth.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server in this JVM (s3proxy with its filesystem backend in a temporary directory) on
 * 127.0.0.1 and a free port, with signature checking on, as S3-compatible servers have it.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "berth-test-access";
    public static final String SECRET_KEY = "berth-test-secret-0123456789";

    private static S3TestServer shared;

    private final S3Proxy proxy;
    private final Path dir;
    private final S3Client admin;

    private S3TestServer() throws Exception {
        dir = Files.createTempDirectory("berth-s3-");
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        admin = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** One server for the test classes of this JVM, stopped when it exits. */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            try {
                shared = new S3TestServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start s3proxy", e);
            }
            S3TestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return shared;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Creates a bucket with a fresh name and returns the name. */
    public String newBucket() {
        String bucket = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        admin.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** A client with full access, to look into buckets. */
    public S3Client client() {
        return admin;
    }

    /** Berth's settings for the bucket. */
    public Map<String, String> berthProperties(String bucket, boolean redirect) {
        Map<String, String> p = new HashMap<>();
        p.put("berth.storage.type", "s3");
        p.put("berth.storage.s3.endpoint", endpoint().toString());
        p.put("berth.storage.s3.region", "us-east-1");
        p.put("berth.storage.s3.bucket", bucket);
        p.put("berth.storage.s3.access-key", ACCESS_KEY);
        p.put("berth.storage.s3.secret-key", SECRET_KEY);
        p.put("berth.storage.s3.path-style", "true");
        p.put("berth.storage.s3.redirect", String.valueOf(redirect));
        return p;
    }

    /** The same settings as {@code --name=value} arguments, for a Berth started as a process. */
    public java.util.List<String> berthArguments(String bucket, boolean redirect) {
        return berthProperties(bucket, redirect).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .sorted()
                .toList();
    }

    @Override
    public void close() {
        try {
            admin.close();
            proxy.stop();
        } catch (Exception e) {
            // best effort at shutdown
        }
        BerthServer.deleteRecursively(dir);
    }
}
