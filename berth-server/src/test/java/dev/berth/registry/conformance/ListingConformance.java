package dev.berth.registry.conformance;

import static dev.berth.support.RegistryClient.OCI_INDEX;
import static dev.berth.support.RegistryClient.OCI_MANIFEST;
import static dev.berth.support.RegistryClient.descriptor;
import static dev.berth.support.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient.Image;
import dev.berth.support.RegistryClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Tag listing, catalog and the referrers API, with their pagination. */
abstract class ListingConformance extends ConformanceBase {
    private static final String EMPTY_CONFIG =
            "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2}";

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void tagsAreListedInByteOrderWithPagination() {
        Image image = client.pushImage(repo, "b", randomBytes(10));
        for (String tag : List.of("a", "C", "c", "B1", "latest", "_x")) {
            client.pushManifest(repo, tag, OCI_MANIFEST, image.manifestBytes());
        }
        Response all = client.get("/v2/" + repo + "/tags/list");
        assertThat(all.json().path("name").asString()).isEqualTo(repo);
        assertThat(strings(all.json().path("tags"))).containsExactly("B1", "C", "_x", "a", "b", "c", "latest");
        assertThat(all.header("Link")).isEmpty();

        List<String> walked = new ArrayList<>();
        String next = "/v2/" + repo + "/tags/list?n=3";
        int pages = 0;
        while (next != null) {
            Response page = client.get(next);
            assertThat(page.status()).isEqualTo(200);
            List<String> tags = strings(page.json().path("tags"));
            assertThat(tags.size()).isLessThanOrEqualTo(3);
            walked.addAll(tags);
            next = page.header("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
            pages++;
        }
        assertThat(walked).containsExactly("B1", "C", "_x", "a", "b", "c", "latest");
        assertThat(pages).isEqualTo(3);

        Response afterLast = client.get("/v2/" + repo + "/tags/list?n=2&last=b");
        assertThat(strings(afterLast.json().path("tags"))).containsExactly("c", "latest");
        Response zero = client.get("/v2/" + repo + "/tags/list?n=0");
        assertThat(strings(zero.json().path("tags"))).isEmpty();
        assertThat(zero.header("Link")).isEmpty();
        assertThat(client.get("/v2/" + repo + "/tags/list?n=-1").status()).isEqualTo(400);
        assertThat(client.get("/v2/" + repo + "/tags/list?n=abc").status()).isEqualTo(400);
    }

    @Test
    void tagsOfUnknownRepository() {
        assertError(client.get("/v2/" + uniqueRepo() + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void catalogListsRepositoriesWithPagination() {
        String prefix = uniqueRepo();
        List<String> names = List.of(prefix + "/a", prefix + "/b", prefix + "/c");
        for (String name : names) {
            client.pushImage(name, "v1", randomBytes(5));
        }
        List<String> walked = new ArrayList<>();
        String next = "/v2/_catalog?n=2&last=" + prefix;
        while (next != null && walked.size() < 3) {
            Response page = client.get(next);
            assertThat(page.status()).isEqualTo(200);
            walked.addAll(strings(page.json().path("repositories")));
            next = page.header("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertThat(walked.subList(0, 3)).containsExactlyElementsOf(names);
    }

    private Digest pushReferrer(Image subject, String artifactType, String annotation) {
        client.pushBlob(repo, utf8("{}"));
        byte[] body = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\""
                + (artifactType == null ? "" : ",\"artifactType\":\"" + artifactType + "\"")
                + ",\"config\":" + EMPTY_CONFIG + ",\"layers\":[],\"subject\":"
                + descriptor(OCI_MANIFEST, subject.manifest(), subject.manifestBytes().length)
                + ",\"annotations\":{\"org.example.note\":\"" + annotation + "\"}}");
        return client.pushManifest(repo, Digest.sha256(body).toString(), OCI_MANIFEST, body);
    }

    @Test
    void referrersListsManifestsWithTheSubject() {
        Image subject = client.pushImage(repo, "app", randomBytes(10));
        Digest sig = pushReferrer(subject, "application/vnd.example.signature", "s");
        Digest sbom = pushReferrer(subject, "application/spdx+json", "b");
        Digest untyped = pushReferrer(subject, null, "c");
        client.pushImage(repo, "unrelated", randomBytes(5));

        Response r = client.get("/v2/" + repo + "/referrers/" + subject.manifest());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).hasValue(OCI_INDEX);
        assertThat(r.json().path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(r.json().path("mediaType").asString()).isEqualTo(OCI_INDEX);
        JsonNode manifests = r.json().path("manifests");
        assertThat(manifests.size()).isEqualTo(3);
        List<String> digests =
                manifests.valueStream().map(m -> m.path("digest").asString()).toList();
        assertThat(digests).containsExactlyInAnyOrder(sig.toString(), sbom.toString(), untyped.toString());
        for (JsonNode m : manifests) {
            assertThat(m.path("mediaType").asString()).isEqualTo(OCI_MANIFEST);
            assertThat(m.path("size").asLong()).isPositive();
            assertThat(m.path("annotations").path("org.example.note").isString())
                    .isTrue();
            if (m.path("digest").asString().equals(untyped.toString())) {
                // Without artifactType the config's media type is reported.
                assertThat(m.path("artifactType").asString()).isEqualTo("application/vnd.oci.empty.v1+json");
            }
        }
        assertThat(r.header("OCI-Filters-Applied")).isEmpty();

        Response filtered = client.get(
                "/v2/" + repo + "/referrers/" + subject.manifest() + "?artifactType=application/spdx%2Bjson");
        assertThat(filtered.header("OCI-Filters-Applied")).hasValue("artifactType");
        assertThat(filtered.json().path("manifests").size()).isEqualTo(1);
        assertThat(filtered.json().path("manifests").path(0).path("digest").asString())
                .isEqualTo(sbom.toString());
    }

    @Test
    void referrersArePaginated() {
        Image subject = client.pushImage(repo, "app", randomBytes(10));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(
                    pushReferrer(subject, "application/vnd.example", "n" + i).toString());
        }
        List<String> walked = new ArrayList<>();
        String next = "/v2/" + repo + "/referrers/" + subject.manifest() + "?n=2";
        while (next != null) {
            Response page = client.get(next);
            assertThat(page.json().path("manifests").size()).isLessThanOrEqualTo(2);
            page.json()
                    .path("manifests")
                    .forEach(m -> walked.add(m.path("digest").asString()));
            next = page.header("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertThat(walked).containsExactlyInAnyOrderElementsOf(expected).doesNotHaveDuplicates();
    }

    @Test
    void referrersOfUnknownDigestIsAnEmptyIndexAndBadDigestIs400() {
        client.pushImage(repo, "app", randomBytes(10));
        Response none = client.get("/v2/" + repo + "/referrers/" + Digest.sha256(randomBytes(4)));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("manifests").size()).isZero();
        assertError(client.get("/v2/" + repo + "/referrers/sha256:123"), 400, "DIGEST_INVALID");
    }

    @Test
    void referrersTagSchemaFallbackWorksForOlderClients() {
        Image subject = client.pushImage(repo, "app", randomBytes(10));
        Digest sig = pushReferrer(subject, "application/vnd.example.signature", "s");
        // A client that does not trust the referrers API maintains the index under sha256-<hex> itself.
        String fallbackTag = "sha256-" + subject.manifest().hex();
        byte[] referrersIndex =
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                        + OCI_MANIFEST + "\",\"digest\":\"" + sig + "\",\"size\":"
                        + client.get("/v2/" + repo + "/manifests/" + sig).body().length
                        + ",\"artifactType\":\"application/vnd.example.signature\"}]}");
        client.pushManifest(repo, fallbackTag, OCI_INDEX, referrersIndex);
        Response back = client.get("/v2/" + repo + "/manifests/" + fallbackTag, "Accept", OCI_INDEX);
        assertThat(back.body()).isEqualTo(referrersIndex);
        assertThat(client.get("/v2/" + repo + "/referrers/" + subject.manifest())
                        .json()
                        .path("manifests")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void indexCanCarryASubjectToo() {
        Image subject = client.pushImage(repo, "app", randomBytes(10));
        Image child = client.pushImage(repo, null, randomBytes(10));
        byte[] body = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + descriptor(OCI_MANIFEST, child.manifest(), child.manifestBytes().length) + "],\"subject\":"
                + descriptor(OCI_MANIFEST, subject.manifest(), subject.manifestBytes().length) + "}");
        Response r = client.send(
                "PUT", "/v2/" + repo + "/manifests/" + Digest.sha256(body), body, "Content-Type", OCI_INDEX);
        assertThat(r.header("OCI-Subject")).hasValue(subject.manifest().toString());
        JsonNode entry = client.get("/v2/" + repo + "/referrers/" + subject.manifest())
                .json()
                .path("manifests")
                .path(0);
        assertThat(entry.path("mediaType").asString()).isEqualTo(OCI_INDEX);
        assertThat(entry.has("artifactType")).isFalse();
        assertThat(imageManifest(EMPTY_CONFIG, List.of(), null, null)).isNotEmpty();
    }
}
