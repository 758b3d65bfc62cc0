package dev.berth.registry.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.storage.ListableBlobStore;
import dev.berth.support.BerthServer;
import dev.berth.support.RawHttp;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Blob pushes, pulls, ranges, mounts and deletes as the OCI distribution spec defines them. */
abstract class BlobConformance extends ConformanceBase {

    private String startUpload() {
        Response r = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Docker-Upload-UUID")).isPresent();
        assertThat(r.header("Range")).hasValue("0-0");
        return r.header("Location").orElseThrow();
    }

    private Response patch(String location, byte[] chunk, String contentRange) {
        return contentRange == null
                ? client.send("PATCH", location, chunk, "Content-Type", "application/octet-stream")
                : client.send(
                        "PATCH",
                        location,
                        chunk,
                        "Content-Type",
                        "application/octet-stream",
                        "Content-Range",
                        contentRange);
    }

    private void assertBlob(String repository, Digest digest, byte[] content) {
        Response get = client.getFollowingRedirect("/v2/" + repository + "/blobs/" + digest);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);
        // A redirect's target (an object store) does not know the digest; the registry's HEAD does.
        Response head = client.head("/v2/" + repository + "/blobs/" + digest);
        assertThat(head.header("Docker-Content-Digest")).hasValue(digest.toString());
    }

    private void assertNoBlob(String repository, Digest digest) {
        assertThat(client.head("/v2/" + repository + "/blobs/" + digest).status())
                .isEqualTo(404);
        assertError(client.get("/v2/" + repository + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void baseEndpointAnswersWithTheApiVersion() {
        Response r = client.get("/v2/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        assertThat(client.get("/v2").status()).isEqualTo(200);
    }

    @Test
    void monolithicPostStoresTheBlob() {
        byte[] content = randomBytes(1000);
        Digest digest = Digest.sha256(content);
        Response r = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).hasValue("/v2/" + repo + "/blobs/" + digest);
        assertThat(r.header("Docker-Content-Digest")).hasValue(digest.toString());
        assertBlob(repo, digest, content);
    }

    @Test
    void monolithicPostWithWrongDigestStoresNothing() {
        byte[] content = randomBytes(1000);
        Digest claimed = Digest.sha256(randomBytes(10));
        Response r = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + claimed, content);
        assertError(r, 400, "DIGEST_INVALID");
        assertNoBlob(repo, claimed);
        assertNoBlob(repo, Digest.sha256(content));
    }

    @Test
    void postThenSinglePut() {
        byte[] content = randomBytes(5000);
        Digest digest = Digest.sha256(content);
        String location = startUpload();
        Response put = client.send("PUT", location + "?digest=" + digest, content);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("Location")).hasValue("/v2/" + repo + "/blobs/" + digest);
        assertBlob(repo, digest, content);
        // The session is over.
        assertError(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void chunkedUploadInOrder() {
        byte[] content = randomBytes(30);
        Digest digest = Digest.sha256(content);
        String location = startUpload();
        Response first = patch(location, Arrays.copyOfRange(content, 0, 10), "0-9");
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Range")).hasValue("0-9");
        assertThat(first.header("Docker-Upload-UUID")).isPresent();
        Response second = patch(first.header("Location").orElseThrow(), Arrays.copyOfRange(content, 10, 20), "10-19");
        assertThat(second.header("Range")).hasValue("0-19");
        Response status = client.get(location);
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).hasValue("0-19");
        assertThat(status.header("Location")).isPresent();
        Response put = client.send(
                "PUT", location + "?digest=" + digest, Arrays.copyOfRange(content, 20, 30), "Content-Range", "20-29");
        assertThat(put.status()).isEqualTo(201);
        assertBlob(repo, digest, content);
    }

    @Test
    void outOfOrderChunkIsRefusedAndChangesNothing() {
        byte[] content = randomBytes(20);
        String location = startUpload();
        patch(location, Arrays.copyOfRange(content, 0, 10), "0-9");
        Response skipped = patch(location, Arrays.copyOfRange(content, 15, 20), "15-19");
        assertError(skipped, 416, "BLOB_UPLOAD_INVALID");
        assertThat(skipped.header("Range")).hasValue("0-9");
        Response repeated = patch(location, Arrays.copyOfRange(content, 0, 10), "0-9");
        assertThat(repeated.status()).isEqualTo(416);
        assertThat(client.get(location).header("Range")).hasValue("0-9");
        patch(location, Arrays.copyOfRange(content, 10, 20), "10-19");
        Digest digest = Digest.sha256(content);
        assertThat(client.send("PUT", location + "?digest=" + digest, null).status())
                .isEqualTo(201);
        assertBlob(repo, digest, content);
    }

    @Test
    void malformedContentRangeIsRefused() {
        String location = startUpload();
        assertThat(patch(location, randomBytes(5), "zero-four").status()).isEqualTo(416);
        assertThat(patch(location, randomBytes(5), "4-0").status()).isEqualTo(416);
        assertThat(client.get(location).header("Range")).hasValue("0-0");
    }

    @Test
    void chunkWhoseLengthDisagreesWithItsRangeIsRefused() {
        String location = startUpload();
        assertError(patch(location, randomBytes(5), "0-9"), 400, "SIZE_INVALID");
        assertThat(client.get(location).header("Range")).hasValue("0-0");
    }

    @Test
    void streamedPatchWithoutContentRange() {
        byte[] content = randomBytes(3 * 1024 * 1024 + 17);
        Digest digest = Digest.sha256(content);
        String location = startUpload();
        // A publisher of unknown length makes the client use chunked transfer encoding.
        Response r = sendStreamed("PATCH", location, content);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Range")).hasValue("0-" + (content.length - 1));
        assertThat(client.send("PUT", location + "?digest=" + digest, null).status())
                .isEqualTo(201);
        assertBlob(repo, digest, content);
    }

    private Response sendStreamed(String method, String location, byte[] content) {
        try {
            var http = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build();
            var request = HttpRequest.newBuilder(client.resolve(location))
                    .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content)))
                    .header("Content-Type", "application/octet-stream")
                    .header("Authorization", BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD))
                    .build();
            var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void wrongDigestAtCompletionKeepsTheUploadAsItWas() {
        byte[] content = randomBytes(100);
        String location = startUpload();
        patch(location, Arrays.copyOfRange(content, 0, 50), "0-49");
        Digest wrong = Digest.sha256(randomBytes(3));
        Response put = client.send(
                "PUT", location + "?digest=" + wrong, Arrays.copyOfRange(content, 50, 100), "Content-Range", "50-99");
        assertError(put, 400, "DIGEST_INVALID");
        assertNoBlob(repo, wrong);
        assertThat(client.get(location).header("Range")).hasValue("0-49");
        Digest right = Digest.sha256(content);
        Response retry = client.send(
                "PUT", location + "?digest=" + right, Arrays.copyOfRange(content, 50, 100), "Content-Range", "50-99");
        assertThat(retry.status()).isEqualTo(201);
        assertBlob(repo, right, content);
    }

    @Test
    void putWithoutOrWithMalformedDigestIsRefused() {
        String location = startUpload();
        patch(location, randomBytes(10), "0-9");
        assertError(client.send("PUT", location, null), 400, "DIGEST_INVALID");
        assertError(client.send("PUT", location + "?digest=sha256:xyz", null), 400, "DIGEST_INVALID");
        assertError(
                client.send("PUT", location + "?digest=md5:d41d8cd98f00b204e9800998ecf8427e", null),
                400,
                "DIGEST_INVALID");
        assertThat(client.get(location).header("Range")).hasValue("0-9");
    }

    @Test
    void truncatedBodyChangesNothing() throws Exception {
        String location = startUpload();
        byte[] first = randomBytes(10);
        patch(location, first, "0-9");
        String head = "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD)
                + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 100000\r\nContent-Range: 10-100009\r\n\r\n";
        int status = RawHttp.send(server().port(), head, randomBytes(40_000), true);
        assertThat(status).isIn(-1, 400);
        Response after = client.get(location);
        assertThat(after.header("Range")).hasValue("0-9");
        byte[] rest = randomBytes(5);
        patch(location, rest, "10-14");
        byte[] all = new byte[15];
        System.arraycopy(first, 0, all, 0, 10);
        System.arraycopy(rest, 0, all, 10, 5);
        Digest digest = Digest.sha256(all);
        assertThat(client.send("PUT", location + "?digest=" + digest, null).status())
                .isEqualTo(201);
        assertBlob(repo, digest, all);
    }

    @Test
    void truncatedMonolithicUploadLeavesNoBlob() throws Exception {
        byte[] content = randomBytes(50_000);
        Digest digest = Digest.sha256(content);
        String head = "POST /v2/" + repo + "/blobs/uploads/?digest=" + digest
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + BerthServer.basic("admin", BerthServer.ADMIN_PASSWORD) + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: 50000\r\n\r\n";
        RawHttp.send(server().port(), head, Arrays.copyOf(content, 20_000), true);
        assertNoBlob(repo, digest);
    }

    @Test
    void cancelledUploadIsGone() {
        String location = startUpload();
        patch(location, randomBytes(10), "0-9");
        assertThat(client.delete(location).status()).isEqualTo(204);
        assertError(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client.delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void unknownUploadIdsAreRefused() {
        // An encoded slash or dot segment never reaches the registry: the canonical path refuses it.
        for (String id : new String[] {"..%2F..%2Fetc", "%2e%2e"}) {
            RegistryClient.Response refused = client.get("/v2/" + repo + "/blobs/uploads/" + id);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorCode()).isEqualTo("NAME_INVALID");
        }
        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-uuid"}) {
            String location = "/v2/" + repo + "/blobs/uploads/" + id;
            assertError(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(client.send("PATCH", location, randomBytes(3)), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(
                    client.send("PUT", location + "?digest=" + Digest.sha256(new byte[0]), null),
                    404,
                    "BLOB_UPLOAD_UNKNOWN");
            assertError(client.delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
        }
    }

    @Test
    void uploadOfAnotherRepositoryIsNotReachable() {
        String location = startUpload();
        String other = location.replace(repo, uniqueRepo());
        assertError(client.get(other), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(client.get(location).status()).isEqualTo(204);
    }

    @Test
    void sha512Upload() {
        byte[] content = randomBytes(777);
        Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
        Response start = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest-algorithm=sha512", null);
        assertThat(start.status()).isEqualTo(202);
        String location = start.header("Location").orElseThrow();
        patch(location, content, "0-776");
        assertThat(client.send("PUT", location + "?digest=" + digest, null).status())
                .isEqualTo(201);
        assertBlob(repo, digest, content);
        assertError(
                client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest-algorithm=md5", null),
                400,
                "DIGEST_INVALID");
    }

    @Test
    void uploadHashedWithOneAlgorithmCanCompleteWithAnother() {
        byte[] content = randomBytes(2048);
        Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
        String location = startUpload();
        patch(location, content, "0-2047");
        assertThat(client.send("PUT", location + "?digest=" + digest, null).status())
                .isEqualTo(201);
        assertBlob(repo, digest, content);
    }

    @Test
    void crossRepositoryMount() {
        byte[] content = randomBytes(64);
        String source = uniqueRepo();
        Digest digest = client.pushBlob(source, content);
        Response mount =
                client.send("POST", "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + source, null);
        assertThat(mount.status()).isEqualTo(201);
        assertThat(mount.header("Location")).hasValue("/v2/" + repo + "/blobs/" + digest);
        assertThat(mount.header("Docker-Content-Digest")).hasValue(digest.toString());
        assertBlob(repo, digest, content);
    }

    @Test
    void mountThatCannotBeDoneFallsBackToAnUpload() {
        byte[] content = randomBytes(64);
        Digest digest = Digest.sha256(content);
        String empty = uniqueRepo();
        client.pushBlob(empty, randomBytes(3));
        for (String query : new String[] {
            "?mount=" + digest + "&from=" + empty, "?mount=" + digest, "?mount=" + digest + "&from=NOT..valid"
        }) {
            Response r = client.send("POST", "/v2/" + repo + "/blobs/uploads/" + query, null);
            assertThat(r.status()).isEqualTo(202);
            String location = r.header("Location").orElseThrow();
            assertThat(client.send("PUT", location + "?digest=" + digest, content)
                            .status())
                    .isEqualTo(201);
        }
        assertBlob(repo, digest, content);
        assertError(
                client.send("POST", "/v2/" + repo + "/blobs/uploads/?mount=bogus&from=" + empty, null),
                400,
                "DIGEST_INVALID");
    }

    @Test
    void headAndGetCarryTheRightHeaders() {
        byte[] content = randomBytes(4321);
        Digest digest = client.pushBlob(repo, content);
        Response head = client.head("/v2/" + repo + "/blobs/" + digest);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).hasValue("4321");
        assertThat(head.header("Docker-Content-Digest")).hasValue(digest.toString());
        assertThat(head.header("Accept-Ranges")).hasValue("bytes");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void rangeRequests() {
        byte[] content = randomBytes(1024 * 1024 + 3); // large enough for the sendfile path
        Digest digest = client.pushBlob(repo, content);
        String path = "/v2/" + repo + "/blobs/" + digest;
        Response first = client.getFollowingRedirect(path, "Range", "bytes=0-9");
        assertThat(first.status()).isEqualTo(206);
        assertThat(first.header("Content-Range")).hasValue("bytes 0-9/" + content.length);
        assertThat(first.body()).isEqualTo(Arrays.copyOfRange(content, 0, 10));
        Response middle = client.getFollowingRedirect(path, "Range", "bytes=100000-900000");
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(content, 100000, 900001));
        Response suffix = client.getFollowingRedirect(path, "Range", "bytes=-5");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 5, content.length));
        Response open = client.getFollowingRedirect(path, "Range", "bytes=1048570-");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(content, 1048570, content.length));
        Response beyond = client.get(path, "Range", "bytes=" + content.length + "-");
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).hasValue("bytes */" + content.length);
        Response whole = client.getFollowingRedirect(path);
        assertThat(Digest.sha256(whole.body())).isEqualTo(digest);
    }

    @Test
    void unknownAndInvalidBlobs() {
        client.pushBlob(repo, randomBytes(5));
        assertError(client.get("/v2/" + repo + "/blobs/" + Digest.sha256(randomBytes(5))), 404, "BLOB_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/blobs/sha256:nothex"), 400, "DIGEST_INVALID");
        // A blob of another repository is not served here.
        byte[] content = randomBytes(8);
        Digest elsewhere = client.pushBlob(uniqueRepo(), content);
        assertError(client.get("/v2/" + repo + "/blobs/" + elsewhere), 404, "BLOB_UNKNOWN");
    }

    @Test
    void deleteBlob() {
        Digest digest = client.pushBlob(repo, randomBytes(10));
        assertThat(client.delete("/v2/" + repo + "/blobs/" + digest).status()).isEqualTo(202);
        assertNoBlob(repo, digest);
        assertError(client.delete("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void blobOfATaggedImageCannotBeDeleted() {
        RegistryClient.Image image = client.pushImage(repo, "v1", randomBytes(10));
        Response r = client.delete("/v2/" + repo + "/blobs/" + image.layers().getFirst());
        assertError(r, 409, "DENIED");
        assertThat(client.head("/v2/" + repo + "/blobs/" + image.layers().getFirst())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void sameContentInTwoRepositoriesIsStoredOnce() throws java.io.IOException {
        byte[] content = randomBytes(2000);
        Digest digest = client.pushBlob(repo, content);
        client.pushBlob(uniqueRepo(), content);
        ListableBlobStore store = server().bean(ListableBlobStore.class);
        List<Digest> stored = new ArrayList<>();
        store.forEachBlob(d -> {
            if (d.equals(digest)) {
                stored.add(d);
            }
        });
        assertThat(stored).hasSize(1);
        assertThat(store.stat(digest)).hasValue(2000);
    }
}
