package dev.berth.signature;

import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Harbor's content trust ({@code enable_content_trust_cosign}, {@code enable_content_trust}): a pull
 * of an artifact without a signature of the required kind is refused with 412 on every manifest
 * path, and allowed once one is pushed, with no restart.
 */
class ContentTrustTest {
    private static final String ACCEPT = RegistryClient.OCI_MANIFEST + ", " + RegistryClient.OCI_INDEX;
    private final BerthServer server = BerthServer.shared();
    private final TestAccounts accounts = new TestAccounts(server);
    private final RegistryClient admin = server.adminClient();

    private void metadata(String project, Map<String, String> values) {
        RegistryClient.check(putJson(admin, "/api/v2.0/projects/" + project, Map.of("metadata", values)), 200);
    }

    private static void assertRefused(Response r, String message) {
        assertThat(r.status()).isEqualTo(412);
        assertThat(r.errorCode()).isEqualTo("PROJECTPOLICYVIOLATION");
        assertThat(r.json().path("errors").path(0).path("message").asString()).isEqualTo(message);
    }

    /** A cosign signature in cosign's tag scheme: {@code sha256-<hex>.sig}, a simple-signing layer. */
    private Digest cosignTagSignature(String repo, Digest subject) {
        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + repo
                        + "\"},\"image\":{\"docker-manifest-digest\":\"" + subject
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
        Digest layer = admin.pushBlob(repo, payload);
        byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = admin.pushBlob(repo, config);
        String layerDescriptor = "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                + layer + "\",\"size\":" + payload.length
                + ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQDtest\"}}";
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, configDigest, config.length),
                List.of(layerDescriptor),
                null,
                null);
        String tag = subject.toString().replace("sha256:", "sha256-") + ".sig";
        return admin.pushManifest(repo, tag, RegistryClient.OCI_MANIFEST, manifest);
    }

    /** A signature attached as an OCI 1.1 referrer with the given artifact type and envelope. */
    private Digest referrerSignature(String repo, RegistryClient.Image subject, String artifactType, String layerType) {
        byte[] envelope = ("{\"payload\":\"e30\",\"signatures\":[],\"n\":" + System.nanoTime() + "}")
                .getBytes(StandardCharsets.UTF_8);
        Digest layer = admin.pushBlob(repo, envelope);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest emptyDigest = admin.pushBlob(repo, empty);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor("application/vnd.oci.empty.v1+json", emptyDigest, empty.length),
                List.of(RegistryClient.descriptor(layerType, layer, envelope.length)),
                RegistryClient.descriptor(
                        RegistryClient.OCI_MANIFEST, subject.manifest(), subject.manifestBytes().length),
                artifactType);
        return admin.pushManifest(repo, Digest.sha256(manifest).toString(), RegistryClient.OCI_MANIFEST, manifest);
    }

    @Test
    void cosignContentTrustRefusesUnsignedPullsOnEveryPathUntilASignatureArrives() {
        String project = accounts.project("trust", false);
        String repo = project + "/app";
        RegistryClient.Image image = admin.pushImage(repo, "v1", "unsigned".getBytes(StandardCharsets.UTF_8));
        metadata(project, Map.of("enable_content_trust_cosign", "true"));
        String byTag = "/v2/" + repo + "/manifests/v1";
        String byDigest = "/v2/" + repo + "/manifests/" + image.manifest();

        assertRefused(admin.get(byTag, "Accept", ACCEPT), "The image is not signed by cosign.");
        assertRefused(admin.get(byDigest, "Accept", ACCEPT), "The image is not signed by cosign.");
        assertThat(admin.head(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
        assertThat(admin.head(byDigest, "Accept", ACCEPT).status()).isEqualTo(412);
        // Every principal: a project member with pull rights too.
        TestAccounts.Account developer = accounts.user("dev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        assertThat(developer.client().get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
        // The API is not the pull path.
        RegistryClient.check(admin.get("/api/v2.0/projects/" + project + "/repositories/app/artifacts/v1"), 200);

        // cosign's tag-scheme signature arrives: the pull is allowed at once, and the signature
        // itself can be pulled (cosign verify reads it).
        Digest signature = cosignTagSignature(repo, image.manifest());
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);
        assertThat(admin.head(byDigest, "Accept", ACCEPT).status()).isEqualTo(200);
        assertThat(admin.get("/v2/" + repo + "/manifests/" + signature, "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);

        // A cosign signature attached as a referrer counts as well.
        RegistryClient.Image other = admin.pushImage(repo, "v2", "other".getBytes(StandardCharsets.UTF_8));
        assertRefused(
                admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT), "The image is not signed by cosign.");
        referrerSignature(
                repo,
                other,
                "application/vnd.dev.cosign.artifact.sig.v1+json",
                "application/vnd.dev.sigstore.bundle.v0.3+json");
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT).status())
                .isEqualTo(200);

        // Switched off: everything pulls again.
        RegistryClient.Image third = admin.pushImage(repo, "v3", "third".getBytes(StandardCharsets.UTF_8));
        metadata(project, Map.of("enable_content_trust_cosign", "false"));
        assertThat(admin.get("/v2/" + repo + "/manifests/" + third.manifest(), "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void notationContentTrustWantsANotationSignatureNotACosignOne() {
        String project = accounts.project("notary", false);
        String repo = project + "/app";
        RegistryClient.Image image = admin.pushImage(repo, "v1", "notation".getBytes(StandardCharsets.UTF_8));
        metadata(project, Map.of("enable_content_trust", "true"));
        String byTag = "/v2/" + repo + "/manifests/v1";

        assertRefused(admin.get(byTag, "Accept", ACCEPT), "The image is not signed by notation.");
        cosignTagSignature(repo, image.manifest());
        assertRefused(admin.get(byTag, "Accept", ACCEPT), "The image is not signed by notation.");
        referrerSignature(repo, image, "application/vnd.cncf.notary.signature", "application/jose+json");
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);

        // Both required: a project with both switches needs both kinds.
        RegistryClient.Image both = admin.pushImage(repo, "v2", "both".getBytes(StandardCharsets.UTF_8));
        metadata(project, Map.of("enable_content_trust", "true", "enable_content_trust_cosign", "true"));
        referrerSignature(repo, both, "application/vnd.cncf.notary.signature", "application/cose");
        assertRefused(
                admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT), "The image is not signed by cosign.");
        cosignTagSignature(repo, both.manifest());
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT).status())
                .isEqualTo(200);
    }
}
