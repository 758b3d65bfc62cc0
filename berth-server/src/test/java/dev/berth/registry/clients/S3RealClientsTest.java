package dev.berth.registry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.S3Replicas;
import org.junit.jupiter.api.Test;

/**
 * skopeo, podman and buildah against Berth on S3 with presigned redirects: every blob they pull
 * comes from s3proxy on 127.0.0.1, by following the registry's 307. The pushes and pulls of the
 * suite run here again; what only exercises the database (deletes, tag paging) does not.
 */
class S3RealClientsTest extends RealClientsTest {
    @Override
    protected BerthServer server() {
        return S3Replicas.shared().redirecting();
    }

    @Test
    void theServerUnderTestRedirectsBlobPulls() {
        BerthServer server = server();
        var client = server.adminClient();
        server.ensureProject("clients", false);
        var blob = client.pushBlob("clients/redirect-check", new byte[] {1, 2, 3});
        assertThat(client.get("/v2/clients/redirect-check/blobs/" + blob).status())
                .isEqualTo(307);
    }

    // Not tests here (overrides without @Test): tags and deletes never touch blob storage, and an
    // index's blobs travel as any image's do (the multi-arch build alone takes half a minute).
    @Override
    void buildahPushesAMultiArchIndexAndEachPlatformPullsItsOwnImage() {}

    @Override
    void skopeoDeleteRemovesAManifestByDigestAndLeavesOtherImagesAlone() {}

    @Override
    void skopeoListTagsFollowsLinkPaginationToTheLastTag() {}
}
