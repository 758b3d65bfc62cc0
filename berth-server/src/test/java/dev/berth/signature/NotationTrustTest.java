package dev.berth.signature;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.signature.NotationSigning.Chain;
import dev.berth.signature.NotationSigning.Claims;
import dev.berth.signature.NotationSigning.KeySpec;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Notation verification end to end over HTTP: the trust stores and Notary trust policy API
 * (admins edit, members read, nobody else sees it), signatures pushed as notation pushes them (OCI
 * 1.1 referrers with a JWS or COSE envelope), verified from the event stream and enforced on pulls.
 */
class NotationTrustTest {
    private static final String ACCEPT = RegistryClient.OCI_MANIFEST + ", " + RegistryClient.OCI_INDEX;
    private final BerthServer server = BerthServer.shared();
    private final TestAccounts accounts = new TestAccounts(server);
    private final RegistryClient admin = server.adminClient();

    private static String policyPath(String project) {
        return "/api/v2.0/projects/" + project + "/trust-policy";
    }

    private static Map<String, Object> document(String scope, String level, List<String> stores, List<String> ids) {
        return Map.of(
                "version",
                "1.0",
                "trustPolicies",
                List.of(Map.of(
                        "name",
                        "release",
                        "registryScopes",
                        List.of(scope),
                        "signatureVerification",
                        Map.of("level", level),
                        "trustStores",
                        stores,
                        "trustedIdentities",
                        ids)));
    }

    private static Map<String, Object> store(String type, String name, String pem) {
        return Map.of("type", type, "name", name, "certificates", pem);
    }

    private JsonNode awaitReason(String project, String repoPath, Digest digest, String reasonStart) {
        return TrustResults.awaitReason(admin, project, repoPath, digest, reasonStart);
    }

    @Test
    void projectAdminsEditTrustStoresAndTheNotaryPolicyMembersReadThemAndNobodyElseSeesThem() {
        String project = accounts.project("ntapi", false);
        String other = accounts.project("ntother", false);
        Chain chain = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=api",
                KeySpec.EC256,
                Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(86400));
        TestAccounts.Account projectAdmin = accounts.user("ntadmin");
        accounts.member(project, projectAdmin, ProjectRole.PROJECT_ADMIN);
        TestAccounts.Account developer = accounts.user("ntdev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        TestAccounts.Account stranger = accounts.user("ntstranger");

        JsonNode empty = admin.get(policyPath(project) + "/notation").json();
        assertThat(empty.path("version").asString()).isEqualTo("1.0");
        assertThat(empty.path("trustPolicies").size()).isZero();

        Response added = postJson(
                projectAdmin.client(), policyPath(project) + "/trust-stores", store("ca", "release", chain.rootPem()));
        RegistryClient.check(added, 201);
        String storePath = added.header("Location").orElseThrow();
        Map<String, Object> doc =
                document("*", "strict", List.of("ca:release"), List.of("x509.subject: C=US, ST=WA, O=Berth"));
        Response put = putJson(projectAdmin.client(), policyPath(project) + "/notation", doc);
        RegistryClient.check(put, 200);
        assertThat(put.json()
                        .path("trustPolicies")
                        .path(0)
                        .path("trustStores")
                        .path(0)
                        .asString())
                .isEqualTo("ca:release");
        long version = admin.get(policyPath(project)).json().path("version").asLong();
        assertThat(version).isEqualTo(2); // the store, then the document

        // members read
        JsonNode stores =
                developer.client().get(policyPath(project) + "/trust-stores").json();
        assertThat(stores.path(0).path("reference").asString()).isEqualTo("ca:release");
        assertThat(stores.path(0).path("certificates").path(0).path("subject").asString())
                .contains("CN=Root");
        assertThat(stores.path(0).path("certificates").path(0).path("sha256").asString())
                .hasSize(64);
        assertThat(developer
                        .client()
                        .get(policyPath(project) + "/notation")
                        .json()
                        .path("trustPolicies")
                        .size())
                .isEqualTo(1);
        // only project admins edit
        assertThat(putJson(developer.client(), policyPath(project) + "/notation", doc)
                        .status())
                .isEqualTo(403);
        assertThat(postJson(
                                developer.client(),
                                policyPath(project) + "/trust-stores",
                                store("ca", "mine", chain.rootPem()))
                        .status())
                .isEqualTo(403);
        assertThat(developer.client().delete(storePath).status()).isEqualTo(403);
        // strangers and anonymous callers do not see it
        assertThat(stranger.client().get(policyPath(project) + "/notation").status())
                .isEqualTo(404);
        assertThat(stranger.client().get(policyPath(project) + "/trust-stores").status())
                .isEqualTo(404);
        assertThat(server.anonymousClient()
                        .get(policyPath(project) + "/trust-stores")
                        .status())
                .isEqualTo(401);
        // IDOR: the store's id under another project is not there
        long storeId = Long.parseLong(storePath.substring(storePath.lastIndexOf('/') + 1));
        assertThat(admin.get(policyPath(other) + "/trust-stores/" + storeId).status())
                .isEqualTo(404);
        assertThat(admin.delete(policyPath(other) + "/trust-stores/" + storeId).status())
                .isEqualTo(404);
        RegistryClient.check(admin.get(storePath), 200);

        // bad input: 400 in Harbor's error format, nothing changes
        Response notCa = postJson(
                admin,
                policyPath(project) + "/trust-stores",
                store("ca", "leaf", NotationSigning.pem(chain.leaf().certificate())));
        assertThat(notCa.status()).isEqualTo(400);
        assertThat(notCa.json().path("errors").path(0).path("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(notCa.json().path("errors").path(0).path("message").asString())
                .contains("is neither a CA certificate nor self-signed");
        assertThat(postJson(admin, policyPath(project) + "/trust-stores", store("tsa", "x", chain.rootPem()))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(admin, policyPath(project) + "/trust-stores", store("ca", "release", chain.rootPem()))
                        .status())
                .isEqualTo(409);
        assertThat(putJson(
                                admin,
                                policyPath(project) + "/notation",
                                document("otherproject/app", "strict", List.of("ca:release"), List.of("*")))
                        .status())
                .isEqualTo(400);
        assertThat(putJson(admin, policyPath(project) + "/notation", Map.of("version", "1.0", "surprise", 1))
                        .status())
                .isEqualTo(400);
        assertThat(admin.get(policyPath(project)).json().path("version").asLong())
                .isEqualTo(version);

        RegistryClient.check(projectAdmin.client().delete(storePath), 200);
        assertThat(admin.get(storePath).status()).isEqualTo(404);
        assertThat(admin.get(policyPath(project)).json().path("version").asLong())
                .isEqualTo(version + 1);
    }

    @Test
    void enforcedPullsWaitForANotationSignatureFromATrustedChainInEitherEnvelope() {
        String project = accounts.project("ntenf", false);
        String repo = project + "/app";
        Instant now = Instant.now();
        Chain release = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=release", KeySpec.RSA2048, now.minusSeconds(600), now.plusSeconds(86400));
        RegistryClient.check(
                postJson(admin, policyPath(project) + "/trust-stores", store("ca", "release", release.rootPem())), 201);
        RegistryClient.check(
                putJson(
                        admin,
                        policyPath(project) + "/notation",
                        document(
                                repo,
                                "strict",
                                List.of("ca:release"),
                                List.of("x509.subject: C=US, ST=WA, O=Berth, CN=release"))),
                200);
        RegistryClient.check(
                putJson(admin, policyPath(project), Map.of("mode", "enforce", "kinds", List.of("notation"))), 200);

        RegistryClient.Image image = admin.pushImage(repo, "v1", "notation".getBytes(StandardCharsets.UTF_8));
        awaitReason(project, "app", image.manifest(), "no Notation signature in this repository");
        String byTag = "/v2/" + repo + "/manifests/v1";
        String byDigest = "/v2/" + repo + "/manifests/" + image.manifest();
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
        assertThat(admin.head(byDigest, "Accept", ACCEPT).status()).isEqualTo(412);

        byte[] payload =
                NotationSigning.payload(RegistryClient.OCI_MANIFEST, image.manifest(), image.manifestBytes().length);
        Claims claims = Claims.now(now.minusSeconds(5));
        // a developer signs with a certificate of their own making: not trusted
        TestAccounts.Account developer = accounts.user("ntenfdev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        Chain own = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=release", KeySpec.EC256, now.minusSeconds(600), now.plusSeconds(86400));
        NotationSigning.push(
                developer.client(),
                repo,
                image.manifest(),
                RegistryClient.OCI_MANIFEST,
                image.manifestBytes().length,
                NotationEnvelope.JWS,
                NotationSigning.jws(payload, own.certificates(), own.leaf().keys(), NotationAlgorithm.ES256, claims));
        JsonNode untrusted = awaitReason(project, "app", image.manifest(), "no certificate of the signature's chain");
        assertThat(untrusted.path("kind").asString()).isEqualTo("notation");
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);

        // the release chain's JWS signature arrives: served, no restart
        Digest signature = NotationSigning.push(
                admin,
                repo,
                image.manifest(),
                RegistryClient.OCI_MANIFEST,
                image.manifestBytes().length,
                NotationEnvelope.JWS,
                NotationSigning.jws(
                        payload, release.certificates(), release.leaf().keys(), NotationAlgorithm.PS256, claims));
        JsonNode ok = awaitReason(project, "app", image.manifest(), "signed by");
        assertThat(ok.path("verified").asBoolean()).isTrue();
        assertThat(ok.path("key_name").asString()).isEqualTo("ca:release");
        assertThat(ok.path("signature").asString()).isEqualTo(signature.toString());
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);
        assertThat(developer.client().head(byDigest, "Accept", ACCEPT).status()).isEqualTo(200);

        // a COSE signature verifies the same way
        RegistryClient.Image second = admin.pushImage(repo, "v2", "cose".getBytes(StandardCharsets.UTF_8));
        byte[] secondPayload =
                NotationSigning.payload(RegistryClient.OCI_MANIFEST, second.manifest(), second.manifestBytes().length);
        NotationSigning.push(
                admin,
                repo,
                second.manifest(),
                RegistryClient.OCI_MANIFEST,
                second.manifestBytes().length,
                NotationEnvelope.COSE,
                NotationSigning.cose(
                        secondPayload, release.certificates(), release.leaf().keys(), NotationAlgorithm.PS256, claims));
        assertThat(awaitReason(project, "app", second.manifest(), "signed by")
                        .path("verified")
                        .asBoolean())
                .isTrue();
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT).status())
                .isEqualTo(200);

        // a trusted signature of another repository's image, pushed into this one, does not count there
        String otherRepo = project + "/copy";
        RegistryClient.Image copy = admin.pushImage(otherRepo, "v1", "copy".getBytes(StandardCharsets.UTF_8));
        byte[] copyPayload =
                NotationSigning.payload(RegistryClient.OCI_MANIFEST, copy.manifest(), copy.manifestBytes().length);
        NotationSigning.push(
                admin,
                repo,
                copy.manifest(),
                RegistryClient.OCI_MANIFEST,
                copy.manifestBytes().length,
                NotationEnvelope.JWS,
                NotationSigning.jws(
                        copyPayload, release.certificates(), release.leaf().keys(), NotationAlgorithm.PS256, claims));
        // a policy change re-verifies everything after that push (the stream is ordered): still nothing there
        RegistryClient.check(
                putJson(admin, policyPath(project), Map.of("mode", "enforce", "kinds", List.of("notation"))), 200);
        awaitReason(project, "copy", copy.manifest(), "no Notation signature in this repository");
        assertThat(admin.get("/v2/" + otherRepo + "/manifests/v1", "Accept", ACCEPT)
                        .status())
                .isEqualTo(412);

        // removing the trust store re-verifies under a new version: refused again
        long storeId = admin.get(policyPath(project) + "/trust-stores")
                .json()
                .path(0)
                .path("id")
                .asLong();
        RegistryClient.check(admin.delete(policyPath(project) + "/trust-stores/" + storeId), 200);
        awaitReason(project, "app", image.manifest(), "no certificate of the signature's chain");
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
    }
}
