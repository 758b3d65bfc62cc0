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
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.AttributeMap;

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
    private final boolean https;

    private S3TestServer(AuthenticationType authentication) throws Exception {
        this(authentication, null, null);
    }

    /** @param keyStore a PKCS#12 key store to serve HTTPS with, or null for HTTP */
    private S3TestServer(AuthenticationType authentication, Path keyStore, String password) throws Exception {
        dir = Files.createTempDirectory("berth-s3-");
        https = keyStore != null;
        var builder = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY);
        if (https) {
            builder.secureEndpoint(URI.create("https://127.0.0.1:0")).keyStore(keyStore.toString(), password);
        } else {
            builder.endpoint(URI.create("http://127.0.0.1:0"));
        }
        proxy = builder.build();
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
                // The test's own look into the bucket trusts the test's certificate.
                .httpClient(
                        https
                                ? UrlConnectionHttpClient.builder()
                                        .buildWithDefaults(AttributeMap.builder()
                                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                                                .build())
                                : UrlConnectionHttpClient.create())
                .build();
    }

    /** One server for the test classes of this JVM, stopped when it exits. */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            try {
                shared = new S3TestServer(AuthenticationType.AWS_V2_OR_V4);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start s3proxy", e);
            }
            S3TestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return shared;
    }

    /**
     * A server of the caller's own that checks no signatures, for a test that changes signed
     * requests on their way (the caller closes it).
     */
    public static S3TestServer withoutAuthentication() {
        try {
            return new S3TestServer(AuthenticationType.NONE);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    /** A server of the caller's own that speaks HTTPS with the key store's certificate (the caller closes it). */
    public static S3TestServer https(Path keyStore, String password) {
        try {
            return new S3TestServer(AuthenticationType.AWS_V2_OR_V4, keyStore, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    public URI endpoint() {
        return https
                ? URI.create("https://127.0.0.1:" + proxy.getSecurePort())
                : URI.create("http://127.0.0.1:" + proxy.getPort());
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
