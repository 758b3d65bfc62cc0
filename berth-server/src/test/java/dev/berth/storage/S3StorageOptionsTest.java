package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.support.S3TestServer;
import dev.berth.support.TcpProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 driver's settings for how objects are written (Harbor's {@code encrypt}, {@code keyid},
 * {@code storageclass}, {@code multipartcopy*}), against s3proxy on 127.0.0.1.
 */
class S3StorageOptionsTest {
    private static final int MiB = 1024 * 1024;
    private static final String ROOT = "registry/root/";

    private final S3TestServer s3 = S3TestServer.shared();

    /**
     * Seen in the requests on the wire: s3proxy keeps neither encryption nor storage classes, so
     * the objects cannot tell, and it refuses encryption headers, so they reach it renamed.
     */
    @Test
    void blobsAreEncryptedAndGoInTheirStorageClassWhileUploadSegmentsStayInTheDefaultOne() throws IOException {
        var options = new S3BlobStoreTest.Options(true, "alias/berth", "standard_ia", false, "", 5L << 30, 5L << 30, 4);
        try (S3TestServer unsigned = S3TestServer.withoutAuthentication();
                TcpProxy wire = TcpProxy.start("127.0.0.1", unsigned.endpoint().getPort())) {
            wire.record();
            wire.renameHeader("x-amz-server-side-encryption", "x-not-server-side-encryption");
            wire.renameHeader(
                    "x-amz-server-side-encryption-aws-kms-key-id", "x-not-server-side-encryption-aws-kms-key-id");
            String bucket = unsigned.newBucket();
            try (S3BlobStore store = S3BlobStore.connect(
                    S3BlobStoreTest.settings("http://127.0.0.1:" + wire.port(), bucket, false, options))) {
                encryptedAndInTheirStorageClass(store, wire);
            }
        }
    }

    private static void encryptedAndInTheirStorageClass(S3BlobStore store, TcpProxy wire) throws IOException {
        {
            // Two appends, the first larger than a part: a multipart segment, a small segment, and a
            // commit that composes them with a multipart upload at the blob's key.
            byte[] data = BlobStoreContract.randomBytes(7 * MiB + 5, 1);
            UUID upload = UUID.randomUUID();
            store.createUpload(upload);
            store.append(
                    upload, 0, new ByteArrayInputStream(data, 0, 6 * MiB), Long.MAX_VALUE, BlobStoreContract.sha256());
            store.append(
                    upload,
                    6 * MiB,
                    new ByteArrayInputStream(data, 6 * MiB, MiB + 5),
                    Long.MAX_VALUE,
                    BlobStoreContract.sha256());
            Digest digest = Digest.sha256(data);
            store.commitUpload(upload, digest, data.length);
            // One append: the commit copies the segment with CopyObject (its segment is a staging PUT).
            byte[] small = BlobStoreContract.randomBytes(100, 2);
            UUID single = UUID.randomUUID();
            store.createUpload(single);
            store.append(single, 0, new ByteArrayInputStream(small), Long.MAX_VALUE, BlobStoreContract.sha256());
            store.commitUpload(single, Digest.sha256(small), small.length);

            List<String> creates = wire.requestHeads().stream()
                    .filter(h -> h.startsWith("PUT ") && !h.contains("partNumber=")
                            || h.startsWith("POST ") && h.contains("?uploads"))
                    .toList();
            List<String> blobs = creates.stream()
                    .filter(h -> requestLine(h).contains("/blobs/"))
                    .toList();
            List<String> staging = creates.stream()
                    .filter(h -> requestLine(h).contains("/uploads/"))
                    .toList();
            assertThat(blobs)
                    .hasSize(2)
                    .allSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT))
                            .contains("x-amz-storage-class: standard_ia\r\n")
                            .contains("x-not-server-side-encryption: aws:kms\r\n")
                            .contains("x-not-server-side-encryption-aws-kms-key-id: alias/berth\r\n"));
            assertThat(staging)
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT))
                            .doesNotContain("x-amz-storage-class")
                            .contains("x-not-server-side-encryption: aws:kms\r\n"));
            assertThat(BlobStoreContract.readBlob(store, digest, 0)).isEqualTo(data);
        }
    }

    @Test
    void aBlobOfOneSegmentAboveTheCopyThresholdIsCopiedInPartsAtOnce() throws IOException {
        String bucket = s3.newBucket();
        var options = new S3BlobStoreTest.Options(false, "", "", false, "", 5L * MiB, 6L * MiB, 3);
        try (TcpProxy wire = TcpProxy.start("127.0.0.1", s3.endpoint().getPort());
                S3BlobStore store = S3BlobStore.connect(
                        S3BlobStoreTest.settings("http://127.0.0.1:" + wire.port(), bucket, false, options))) {
            byte[] data = BlobStoreContract.randomBytes(16 * MiB + 3, 3);
            UUID upload = UUID.randomUUID();
            store.createUpload(upload);
            store.append(upload, 0, new ByteArrayInputStream(data), Long.MAX_VALUE, BlobStoreContract.sha256());
            wire.record();
            Digest digest = Digest.sha256(data);
            store.commitUpload(upload, digest, data.length);

            // 16 MiB in parts of at most 6 MiB: three parts, each above S3's 5 MiB minimum.
            List<String> ranges = wire.requestHeads().stream()
                    .filter(h -> h.startsWith("PUT ") && h.contains("partNumber="))
                    .map(h -> h.lines()
                            .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("x-amz-copy-source-range:"))
                            .findFirst()
                            .orElseThrow()
                            .substring("x-amz-copy-source-range: ".length()))
                    .toList();
            long third = (16L * MiB + 3) / 3;
            assertThat(ranges)
                    .containsExactlyInAnyOrder(
                            "bytes=0-" + third,
                            "bytes=" + (third + 1) + "-" + (2 * third),
                            "bytes=" + (2 * third + 1) + "-" + (16L * MiB + 2));
            assertThat(BlobStoreContract.readBlob(store, digest, 0)).isEqualTo(data);
            assertThat(s3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads())
                    .isEmpty();
        }
    }

    /** A private S3 endpoint's certificate, trusted through a CA bundle, or not checked at all when asked. */
    @Test
    void aPrivateEndpointIsTrustedThroughTheCaBundleOnly(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("s3.p12");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "s3",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=s3.test",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        Path bundle = dir.resolve("ca.pem");
        keytool(
                dir,
                "-exportcert",
                "-rfc",
                "-alias",
                "s3",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                "changeit",
                "-file",
                bundle.toString());
        try (S3TestServer private_ = S3TestServer.https(keyStore, "changeit")) {
            String endpoint = private_.endpoint().toString();
            String bucket = private_.newBucket();
            var defaults = S3BlobStoreTest.Options.DEFAULTS;

            assertThatThrownBy(() -> S3BlobStore.connect(S3BlobStoreTest.settings(endpoint, bucket, false, defaults)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("S3 bucket " + bucket + " is not reachable at " + endpoint);

            var bundled = new S3BlobStoreTest.Options(false, "", "", false, bundle.toString(), 5L << 30, 5L << 30, 4);
            try (S3BlobStore store = S3BlobStore.connect(S3BlobStoreTest.settings(endpoint, bucket, false, bundled))) {
                byte[] data = BlobStoreContract.randomBytes(1000, 4);
                Digest digest = commit(store, data);
                assertThat(BlobStoreContract.readBlob(store, digest, 0)).isEqualTo(data);
            }
            var unchecked = new S3BlobStoreTest.Options(false, "", "", true, "", 5L << 30, 5L << 30, 4);
            try (S3BlobStore store =
                    S3BlobStore.connect(S3BlobStoreTest.settings(endpoint, bucket, false, unchecked))) {
                assertThat(BlobStoreContract.readBlob(store, Digest.sha256(BlobStoreContract.randomBytes(1000, 4)), 0))
                        .hasSize(1000);
            }
        }
    }

    private static Digest commit(S3BlobStore store, byte[] data) throws IOException {
        UUID upload = UUID.randomUUID();
        store.createUpload(upload);
        store.append(upload, 0, new ByteArrayInputStream(data), Long.MAX_VALUE, BlobStoreContract.sha256());
        Digest digest = Digest.sha256(data);
        store.commitUpload(upload, digest, data.length);
        return digest;
    }

    private static void keytool(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Path log = dir.resolve("keytool.log");
        int exit = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start()
                .waitFor();
        assertThat(exit).as(Files.readString(log)).isZero();
    }

    @Test
    void settingsThatContradictThemselvesAreRefusedAtStart() {
        String endpoint = s3.endpoint().toString();
        assertThatThrownBy(() -> S3BlobStore.connect(S3BlobStoreTest.settings(
                        endpoint,
                        "b",
                        false,
                        new S3BlobStoreTest.Options(false, "alias/berth", "", false, "", 5L << 30, 5L << 30, 4))))
                .hasMessage(
                        "berth.storage.s3.kms-key-id needs berth.storage.s3.encrypt=true (SSE-KMS is server-side encryption)");
        assertThatThrownBy(() -> S3BlobStore.connect(S3BlobStoreTest.settings(
                        endpoint,
                        "b",
                        false,
                        new S3BlobStoreTest.Options(false, "", "COLDEST", false, "", 5L << 30, 5L << 30, 4))))
                .hasMessageStartingWith("berth.storage.s3.storage-class COLDEST is not an S3 storage class");
        assertThatThrownBy(() -> S3BlobStore.connect(S3BlobStoreTest.settings(
                        endpoint,
                        "b",
                        false,
                        new S3BlobStoreTest.Options(false, "", "", false, "", 4L * MiB, 5L << 30, 4))))
                .hasMessage("berth.storage.s3.copy-threshold must be between 5MB and 5GB");
    }

    private static String requestLine(String head) {
        return head.substring(0, head.indexOf('\r'));
    }
}
