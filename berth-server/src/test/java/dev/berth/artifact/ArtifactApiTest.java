package dev.berth.artifact;

import static dev.berth.artifact.ArtifactFixtures.encoded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.artifact.ArtifactFixtures.Pushed;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Repositories, artifacts, tags, additions and accessories through Harbor's API, over real HTTP. */
class ArtifactApiTest {
    private BerthServer server;
    private RegistryClient admin;
    private String project;
    private String api;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        project = TestUsers.uniqueName("art");
        server.ensureProject(project, false);
        api = "/api/v2.0/projects/" + project + "/repositories/";
    }

    @Test
    void anImageShowsHarborsFieldsUnderADoubleEncodedRepositoryName() {
        String repo = project + "/team/app";
        Pushed image = ArtifactFixtures.image(admin, repo, "v1", "arm64", 3000);

        Response got = admin.get(api + encoded("team/app") + "/artifacts/v1");
        RegistryClient.check(got, 200);
        JsonNode a = got.json();
        assertThat(a.path("digest").asString()).isEqualTo(image.digest().toString());
        assertThat(a.path("type").asString()).isEqualTo("IMAGE");
        assertThat(a.path("media_type").asString()).isEqualTo(RegistryClient.OCI_CONFIG);
        assertThat(a.path("manifest_media_type").asString()).isEqualTo(RegistryClient.OCI_MANIFEST);
        assertThat(a.path("repository_name").asString()).isEqualTo(repo);
        assertThat(a.path("size").asLong()).isEqualTo(image.size());
        assertThat(a.path("extra_attrs").path("architecture").asString()).isEqualTo("arm64");
        assertThat(a.path("extra_attrs").path("os").asString()).isEqualTo("linux");
        assertThat(a.path("extra_attrs").path("config").path("Env").isArray()).isTrue();
        assertThat(a.path("tags").path(0).path("name").asString()).isEqualTo("v1");
        assertThat(a.path("pull_time").asString()).isEqualTo("0001-01-01T00:00:00.000Z");
        String history =
                a.path("addition_links").path("build_history").path("href").asString();
        assertThat(history).contains("/repositories/team%252Fapp/artifacts/" + image.digest());

        Response byDigest = admin.get(api + encoded("team/app") + "/artifacts/" + image.digest());
        assertThat(byDigest.json().path("id").asLong()).isEqualTo(a.path("id").asLong());
        Response built = admin.get(history);
        RegistryClient.check(built, 200);
        assertThat(built.json().path(0).path("created_by").asString()).isEqualTo("COPY x /x");

        Response repository = admin.get(api + encoded("team/app"));
        RegistryClient.check(repository, 200);
        assertThat(repository.json().path("name").asString()).isEqualTo(repo);
        assertThat(repository.json().path("artifact_count").asLong()).isEqualTo(1);
        assertThat(repository.json().path("pull_count").asLong()).isZero();

        assertThat(admin.get(api + encoded("team/none")).status()).isEqualTo(404);
        assertThat(admin.get(api + encoded("team/app") + "/artifacts/v9").status())
                .isEqualTo(404);
        assertThat(admin.get(api + encoded("team/app") + "/artifacts/v1/additions/values.yaml")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void descriptionIsTheOnlyFieldAnUpdateChanges() {
        String repo = project + "/desc";
        ArtifactFixtures.image(admin, repo, "v1", "amd64", 100);
        Response put = admin.send(
                "PUT",
                api + "desc",
                TestUsers.body("{\"description\":\"hello\",\"name\":\"other/x\",\"project_id\":999}"),
                TestUsers.CONTENT_JSON);
        RegistryClient.check(put, 200);
        JsonNode r = admin.get(api + "desc").json();
        assertThat(r.path("description").asString()).isEqualTo("hello");
        assertThat(r.path("name").asString()).isEqualTo(repo);
    }

    @Test
    void tagsAreCreatedListedAndDeletedWithoutTouchingTheArtifact() {
        String repo = project + "/tags";
        Pushed image = ArtifactFixtures.image(admin, repo, "v1", "amd64", 100);
        String base = api + "tags/artifacts/" + image.digest() + "/tags";

        RegistryClient.check(
                admin.send("POST", base, TestUsers.body("{\"name\":\"v2\"}"), TestUsers.CONTENT_JSON), 201);
        assertThat(admin.send("POST", base, TestUsers.body("{\"name\":\"v2\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(409);
        assertThat(admin.send("POST", base, TestUsers.body("{\"name\":\"-bad\"}"), TestUsers.CONTENT_JSON)
                        .status())
                .isEqualTo(400);
        Response tags = admin.get(base + "?sort=name");
        assertThat(tags.header("X-Total-Count")).contains("2");
        assertThat(names(tags.json(), "name")).containsExactly("v1", "v2");
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", RegistryClient.OCI_MANIFEST)
                        .status())
                .isEqualTo(200);

        RegistryClient.check(admin.delete(base + "/v1"), 200);
        assertThat(admin.delete(base + "/v1").status()).isEqualTo(404);
        assertThat(admin.get("/v2/" + repo + "/manifests/v1").status()).isEqualTo(404);
        RegistryClient.check(admin.get(api + "tags/artifacts/" + image.digest()), 200);
        assertThat(admin.get(api + "tags/artifacts/v2").json().path("digest").asString())
                .isEqualTo(image.digest().toString());
    }

    @Test
    void anIndexListsItsChildrenAsReferencesWithPlatformsAndHidesThemFromTheList() {
        String repo = project + "/multi";
        Pushed amd = ArtifactFixtures.image(admin, repo, null, "amd64", 500);
        Pushed arm = ArtifactFixtures.image(admin, repo, null, "arm64", 700);
        byte[] index =
                RegistryClient.index(RegistryClient.OCI_INDEX, List.of(child(amd, "amd64"), child(arm, "arm64")));
        Digest indexDigest = admin.pushManifest(repo, "v1", RegistryClient.OCI_INDEX, index);

        Response list = admin.get(api + "multi/artifacts");
        assertThat(list.header("X-Total-Count")).contains("1");
        JsonNode a = list.json().path(0);
        assertThat(a.path("digest").asString()).isEqualTo(indexDigest.toString());
        assertThat(a.path("type").asString()).isEqualTo("IMAGE");
        assertThat(a.path("media_type").asString()).isEqualTo(RegistryClient.OCI_INDEX);
        assertThat(a.path("size").asLong()).isEqualTo(index.length + amd.size() + arm.size());
        assertThat(names(a.path("references"), "child_digest"))
                .containsExactlyInAnyOrder(amd.digest().toString(), arm.digest().toString());
        for (JsonNode ref : a.path("references")) {
            String arch =
                    ref.path("child_digest").asString().equals(amd.digest().toString()) ? "amd64" : "arm64";
            assertThat(ref.path("platform").path("architecture").asString()).isEqualTo(arch);
        }
        assertThat(admin.get(api + "multi/artifacts?q=base%3D*").header("X-Total-Count"))
                .contains("3");

        // A child cannot go while the index lists it; deleting the index takes the children along.
        assertThat(admin.delete(api + "multi/artifacts/" + amd.digest()).status())
                .isEqualTo(409);
        RegistryClient.check(admin.delete(api + "multi/artifacts/v1"), 200);
        assertThat(admin.get("/v2/" + repo + "/manifests/" + amd.digest()).status())
                .isEqualTo(404);
        assertThat(admin.get(api + "multi/artifacts?q=base%3D*").header("X-Total-Count"))
                .contains("0");
    }

    @Test
    void aHelmChartPushedAsOciHasItsAdditions() {
        String repo = project + "/charts/web";
        Pushed chart = ArtifactFixtures.chart(admin, repo, "web", "1.2.3");
        String base = api + encoded("charts/web") + "/artifacts/1.2.3";

        JsonNode a = admin.get(base).json();
        assertThat(a.path("type").asString()).isEqualTo("CHART");
        assertThat(a.path("digest").asString()).isEqualTo(chart.digest().toString());
        assertThat(a.path("extra_attrs").path("version").asString()).isEqualTo("1.2.3");
        assertThat(a.path("addition_links").has("values.yaml")).isTrue();

        Response values = admin.get(base + "/additions/values.yaml");
        RegistryClient.check(values, 200);
        assertThat(values.text()).contains("replicas: 3");
        assertThat(admin.get(base + "/additions/readme.md").text()).startsWith("# web");
        JsonNode deps = admin.get(base + "/additions/dependencies").json();
        assertThat(deps.path(0).path("name").asString()).isEqualTo("redis");
        assertThat(deps.path(0).path("repository").asString()).isEqualTo("https://charts.example.com");
        assertThat(admin.get(base + "/additions/build_history").status()).isEqualTo(400);
    }

    @Test
    void orasArtifactsAndAccessoriesByTagSchemeAndBySubject() {
        String repo = project + "/acc";
        Pushed image = ArtifactFixtures.image(admin, repo, "v1", "amd64", 200);
        Pushed oras = ArtifactFixtures.artifact(admin, repo, "bundle", "application/vnd.example.bundle.v1", null);
        Pushed sig =
                ArtifactFixtures.artifact(admin, repo, null, "application/vnd.dev.cosign.artifact.sig.v1+json", image);
        Pushed notation = ArtifactFixtures.artifact(admin, repo, null, "application/vnd.cncf.notary.signature", image);
        String scheme = "sha256-" + image.digest().hex();
        Pushed sbom = ArtifactFixtures.image(admin, repo, scheme + ".sbom", "amd64", 50);
        Pushed cosignSig = ArtifactFixtures.image(admin, repo, scheme + ".sig", "amd64", 50);

        JsonNode bundle = admin.get(api + "acc/artifacts/bundle").json();
        assertThat(bundle.path("type").asString()).isEqualTo("UNKNOWN");
        assertThat(bundle.path("artifact_type").asString()).isEqualTo("application/vnd.example.bundle.v1");

        Response list = admin.get(api + "acc/artifacts?with_accessory=true&sort=push_time");
        assertThat(list.header("X-Total-Count")).contains("2");
        assertThat(names(list.json(), "digest"))
                .containsExactly(image.digest().toString(), oras.digest().toString());
        JsonNode nested = list.json().path(0).path("accessories");
        assertThat(nested.size()).isEqualTo(4);

        Response accessories = admin.get(api + "acc/artifacts/v1/accessories?sort=creation_time");
        RegistryClient.check(accessories, 200);
        assertThat(accessories.header("X-Total-Count")).contains("4");
        assertThat(names(accessories.json(), "type"))
                .containsExactly("signature.cosign", "signature.notation", "sbom", "signature.cosign");
        assertThat(names(accessories.json(), "digest"))
                .containsExactly(
                        sig.digest().toString(),
                        notation.digest().toString(),
                        sbom.digest().toString(),
                        cosignSig.digest().toString());
        assertThat(accessories.json().path(0).path("subject_artifact_digest").asString())
                .isEqualTo(image.digest().toString());
        Response onlySbom = admin.get(api + "acc/artifacts/v1/accessories?q=type%3Dsbom");
        assertThat(onlySbom.header("X-Total-Count")).contains("1");

        RegistryClient.check(admin.delete(api + "acc/artifacts/v1"), 200);
        for (Pushed gone : List.of(image, sig, notation, sbom, cosignSig)) {
            assertThat(admin.get("/v2/" + repo + "/manifests/" + gone.digest()).status())
                    .isEqualTo(404);
        }
        assertThat(admin.get("/v2/" + repo + "/manifests/" + oras.digest()).status())
                .isEqualTo(200);
    }

    @Test
    void artifactsAndRepositoriesPageSortAndFilterWithTotalsAndLinks() {
        List<Pushed> pushed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pushed.add(ArtifactFixtures.image(admin, project + "/paged", "t" + i, "amd64", 10 + i));
        }
        for (int i = 0; i < 3; i++) {
            ArtifactFixtures.image(admin, project + "/r" + i, "v1", "amd64", 10);
        }
        Response first = admin.get(api + "paged/artifacts?page=1&page_size=2&sort=push_time");
        assertThat(first.header("X-Total-Count")).contains("5");
        assertThat(first.header("Link").orElseThrow()).contains("page=2").contains("rel=\"next\"");
        assertThat(names(first.json(), "digest"))
                .containsExactly(
                        pushed.get(0).digest().toString(),
                        pushed.get(1).digest().toString());
        Response last = admin.get(api + "paged/artifacts?page=3&page_size=2&sort=push_time");
        assertThat(last.json().size()).isEqualTo(1);
        assertThat(last.header("Link").orElseThrow()).contains("rel=\"prev\"").doesNotContain("next");

        Response byTag = admin.get(api + "paged/artifacts?q=tags%3Dt3");
        assertThat(names(byTag.json(), "digest"))
                .containsExactly(pushed.get(3).digest().toString());
        Response fuzzy = admin.get(api + "paged/artifacts?q=tags%3D~t");
        assertThat(fuzzy.header("X-Total-Count")).contains("5");
        Response byDigest =
                admin.get(api + "paged/artifacts?q=digest%3D" + pushed.get(2).digest());
        assertThat(byDigest.header("X-Total-Count")).contains("1");
        assertThat(admin.get(api + "paged/artifacts?q=type%3DIMAGE").header("X-Total-Count"))
                .contains("5");
        assertThat(admin.get(api + "paged/artifacts?q=content%3Dx").status()).isEqualTo(400);
        assertThat(admin.get(api + "paged/artifacts?sort=password").status()).isEqualTo(400);

        Response repos = admin.get("/api/v2.0/projects/" + project + "/repositories?page_size=2&sort=name");
        assertThat(repos.header("X-Total-Count")).contains("4");
        assertThat(names(repos.json(), "name")).containsExactly(project + "/paged", project + "/r0");
        assertThat(repos.header("Link").orElseThrow()).contains("rel=\"next\"");
        Response filtered = admin.get("/api/v2.0/projects/" + project + "/repositories?q=name%3D~r1");
        assertThat(names(filtered.json(), "name")).containsExactly(project + "/r1");
        Response all = admin.get("/api/v2.0/repositories?q=name%3D~" + project + "&sort=-name");
        assertThat(all.header("X-Total-Count")).contains("4");
        assertThat(all.json().path(0).path("name").asString()).isEqualTo(project + "/r2");
    }

    /**
     * The default order (newest push first) is read from the listing's own copy of push times (V20):
     * it must agree with the explicit sort, page without gaps or repeats, and follow manifests that
     * become listed later, such as an index child given a tag.
     */
    @Test
    void theDefaultOrderIsNewestFirstAcrossPagesAndFollowsListingChanges() {
        String repo = project + "/ordered";
        List<String> pushedOrder = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pushedOrder.add(ArtifactFixtures.image(admin, repo, "t" + i, "amd64", 20 + i)
                    .digest()
                    .toString());
        }
        Pushed child = ArtifactFixtures.image(admin, repo, null, "arm64", 30);
        byte[] index = RegistryClient.index(RegistryClient.OCI_INDEX, List.of(child(child, "arm64")));
        pushedOrder.add(admin.pushManifest(repo, "multi", RegistryClient.OCI_INDEX, index)
                .toString());
        List<String> newestFirst = new ArrayList<>(pushedOrder.reversed());

        assertThat(pagedDigests(api + "ordered/artifacts?page_size=2&page=")).containsExactlyElementsOf(newestFirst);
        assertThat(pagedDigests(api + "ordered/artifacts?sort=-push_time&page_size=3&page="))
                .containsExactlyElementsOf(newestFirst);

        // The child, listed once tagged, takes its place by its own push time: just before the index.
        RegistryClient.check(
                admin.send(
                        "POST",
                        api + "ordered/artifacts/" + child.digest() + "/tags",
                        "{\"name\":\"arm\"}".getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json"),
                201);
        newestFirst.add(1, child.digest().toString());
        assertThat(pagedDigests(api + "ordered/artifacts?page_size=2&page=")).containsExactlyElementsOf(newestFirst);
        assertThat(admin.get(api + "ordered/artifacts").header("X-Total-Count")).contains("6");
    }

    private List<String> pagedDigests(String pathEndingInPage) {
        List<String> digests = new ArrayList<>();
        for (int page = 1; page < 10; page++) {
            JsonNode rows = admin.get(pathEndingInPage + page).json();
            if (rows.isEmpty()) {
                break;
            }
            digests.addAll(names(rows, "digest"));
        }
        return digests;
    }

    @Test
    void deletingARepositoryDeletesItsArtifacts() {
        String repo = project + "/gone/deep";
        Pushed image = ArtifactFixtures.image(admin, repo, "v1", "amd64", 100);
        RegistryClient.check(admin.delete(api + encoded("gone/deep")), 200);
        assertThat(admin.get(api + encoded("gone/deep")).status()).isEqualTo(404);
        assertThat(admin.get("/v2/" + repo + "/manifests/" + image.digest()).status())
                .isEqualTo(404);
        assertThat(admin.delete(api + encoded("gone/deep")).status()).isEqualTo(404);
    }

    @Test
    void copyBringsTheArtifactWithItsTagsIntoAnotherProject() {
        String source = project + "/src";
        Pushed image = ArtifactFixtures.image(admin, source, "v1", "amd64", 300);
        Pushed sig = ArtifactFixtures.artifact(
                admin, source, null, "application/vnd.dev.cosign.artifact.sig.v1+json", image);
        String target = TestUsers.uniqueName("copy");
        server.ensureProject(target, false);

        Response copied = admin.send(
                "POST",
                "/api/v2.0/projects/" + target + "/repositories/" + encoded("a/b") + "/artifacts?from=" + source
                        + ":v1",
                null);
        RegistryClient.check(copied, 201);
        assertThat(copied.header("Location").orElseThrow()).endsWith("/artifacts/" + image.digest());
        JsonNode a = admin.get("/api/v2.0/projects/" + target + "/repositories/" + encoded("a/b")
                        + "/artifacts/v1?with_accessory=true")
                .json();
        assertThat(a.path("digest").asString()).isEqualTo(image.digest().toString());
        assertThat(a.path("size").asLong()).isEqualTo(image.size());
        assertThat(a.path("accessories").path(0).path("digest").asString())
                .isEqualTo(sig.digest().toString());
        Response pulled = admin.get("/v2/" + target + "/a/b/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(pulled.body()).isEqualTo(image.manifest());

        Response byDigest = admin.send(
                "POST",
                "/api/v2.0/projects/" + target + "/repositories/c/artifacts?from=" + source + "@" + image.digest(),
                null);
        RegistryClient.check(byDigest, 201);
        assertThat(admin.send(
                                "POST",
                                "/api/v2.0/projects/" + target + "/repositories/c/artifacts?from=" + source + ":nope",
                                null)
                        .status())
                .isEqualTo(404);
        assertThat(admin.send("POST", "/api/v2.0/projects/" + target + "/repositories/c/artifacts?from=bad", null)
                        .status())
                .isEqualTo(400);
    }

    private static String child(Pushed image, String arch) {
        return "{\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"digest\":\"" + image.digest() + "\",\"size\":"
                + image.manifest().length + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
    }

    static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.path(field).asString());
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
