package dev.berth.signature;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.signature.NotationSigning.Issued;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Keyless cosign verification end to end over HTTP: the keyless identities API (project admins edit,
 * members read, nobody else sees it; ids of another project are 404), the site's trust root API
 * (system administrators only), and enforcement on pull with a keyless rule: a private Sigstore
 * deployment made in the test is put as the site's trust root, signatures are pushed in both of
 * cosign's forms, and a pull turns from 412 into 200 when a signature of the trusted identity
 * arrives, not when a developer's own identity signs.
 */
class KeylessTrustTest {
    private static final String ACCEPT = RegistryClient.OCI_MANIFEST + ", " + RegistryClient.OCI_INDEX;
    private static final String ISSUER = "https://issuer.private.example";
    private static final String ROOT_PATH = "/api/v2.0/system/sigstore/trusted-root";
    private final BerthServer server = BerthServer.shared();
    private final TestAccounts accounts = new TestAccounts(server);
    private final RegistryClient admin = server.adminClient();

    private static String policyPath(String project) {
        return "/api/v2.0/projects/" + project + "/trust-policy";
    }

    private static Map<String, Object> identity(String name, String issuer, String subjectRegex) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("issuer", issuer);
        m.put("subject_regex", subjectRegex);
        return m;
    }

    private JsonNode awaitReason(String project, String repoPath, Digest digest, String reasonStart) {
        return TrustResults.awaitReason(admin, project, repoPath, digest, reasonStart);
    }

    @Test
    void projectAdminsEditIdentitiesMembersReadThemAndOnlySystemAdminsTouchTheTrustRoot() {
        String project = accounts.project("klapi", false);
        String other = accounts.project("klother", false);
        TestAccounts.Account projectAdmin = accounts.user("kladmin");
        accounts.member(project, projectAdmin, ProjectRole.PROJECT_ADMIN);
        TestAccounts.Account developer = accounts.user("kldev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        TestAccounts.Account stranger = accounts.user("klstranger");

        Response added = postJson(
                projectAdmin.client(),
                policyPath(project) + "/identities",
                identity("ci", "https://token.actions.githubusercontent.com", "https://github\\.com/acme/.*"));
        RegistryClient.check(added, 201);
        String path = added.header("Location").orElseThrow();
        JsonNode policy = admin.get(policyPath(project)).json();
        assertThat(policy.path("identity_count").asLong()).isEqualTo(1);
        assertThat(policy.path("version").asLong()).isEqualTo(1);

        JsonNode listed =
                developer.client().get(policyPath(project) + "/identities").json();
        assertThat(listed.path(0).path("name").asString()).isEqualTo("ci");
        assertThat(listed.path(0).path("issuer").asString()).isEqualTo("https://token.actions.githubusercontent.com");
        assertThat(listed.path(0).path("subject_regex").asString()).isEqualTo("https://github\\.com/acme/.*");
        assertThat(listed.path(0).path("subject").isNull()).isTrue();
        RegistryClient.check(developer.client().get(path), 200);
        // only project admins edit
        assertThat(postJson(developer.client(), policyPath(project) + "/identities", identity("mine", ISSUER, ".*"))
                        .status())
                .isEqualTo(403);
        assertThat(developer.client().delete(path).status()).isEqualTo(403);
        // strangers and anonymous callers do not see it
        assertThat(stranger.client().get(policyPath(project) + "/identities").status())
                .isEqualTo(404);
        assertThat(stranger.client().get(path).status()).isEqualTo(404);
        assertThat(server.anonymousClient()
                        .get(policyPath(project) + "/identities")
                        .status())
                .isEqualTo(401);
        // IDOR: the identity's id under another project is not there
        long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
        assertThat(admin.get(policyPath(other) + "/identities/" + id).status()).isEqualTo(404);
        assertThat(admin.delete(policyPath(other) + "/identities/" + id).status())
                .isEqualTo(404);
        // bad input: 400, name taken: 409, nothing changes
        Response both = postJson(
                admin,
                policyPath(project) + "/identities",
                Map.of("name", "both", "issuer", ISSUER, "issuer_regex", ".*", "subject", "a@b"));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("errors").path(0).path("message").asString())
                .contains("exactly one of issuer and issuer_regex");
        assertThat(postJson(admin, policyPath(project) + "/identities", identity("bad", ISSUER, "(unclosed"))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(admin, policyPath(project) + "/identities", identity("ci", ISSUER, ".*"))
                        .status())
                .isEqualTo(409);
        assertThat(admin.get(policyPath(project)).json().path("version").asLong())
                .isEqualTo(1);
        RegistryClient.check(projectAdmin.client().delete(path), 200);
        assertThat(admin.get(path).status()).isEqualTo(404);
        assertThat(admin.get(policyPath(project)).json().path("version").asLong())
                .isEqualTo(2);

        // the site's trust root: the shipped public-good one, system administrators only
        JsonNode root = admin.get(ROOT_PATH).json();
        assertThat(root.path("source").asString()).isEqualTo("default");
        assertThat(root.path("certificate_authorities").path(0).path("uri").asString())
                .isEqualTo("https://fulcio.sigstore.dev");
        assertThat(root.path("tlogs").path(0).path("log_id").asString())
                .isEqualTo("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=");
        assertThat(projectAdmin.client().get(ROOT_PATH).status()).isEqualTo(403);
        assertThat(server.anonymousClient().get(ROOT_PATH).status()).isEqualTo(401);
        assertThat(projectAdmin
                        .client()
                        .send(
                                "PUT",
                                ROOT_PATH,
                                new PrivateSigstore().trustedRoot().getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/json")
                        .status())
                .isEqualTo(403);
        assertThat(projectAdmin.client().delete(ROOT_PATH).status()).isEqualTo(403);
        Response garbage = admin.send(
                "PUT",
                ROOT_PATH,
                "{\"mediaType\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().path("errors").path(0).path("message").asString())
                .contains("not a usable trust root");
        assertThat(admin.get(ROOT_PATH).json().path("source").asString()).isEqualTo("default");
    }

    @Test
    void enforcedPullsWaitForAKeylessSignatureOfTheTrustedIdentityUnderTheSiteTrustRoot() {
        PrivateSigstore sigstore = new PrivateSigstore();
        String project = accounts.project("klenf", false);
        String repo = project + "/app";
        Digest first;
        try {
            Response put = admin.send(
                    "PUT",
                    ROOT_PATH,
                    sigstore.trustedRoot().getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "application/json");
            RegistryClient.check(put, 200);
            assertThat(put.json().path("source").asString()).isEqualTo("site");
            assertThat(put.json()
                            .path("certificate_authorities")
                            .path(0)
                            .path("uri")
                            .asString())
                    .isEqualTo("https://fulcio.private.example");
            RegistryClient.check(
                    postJson(
                            admin,
                            policyPath(project) + "/identities",
                            Map.of("name", "release", "issuer", ISSUER, "subject", "release@private.example")),
                    201);
            RegistryClient.check(
                    putJson(admin, policyPath(project), Map.of("mode", "enforce", "kinds", List.of("cosign"))), 200);

            RegistryClient.Image image = admin.pushImage(repo, "v1", "keyless".getBytes(StandardCharsets.UTF_8));
            first = image.manifest();
            awaitReason(project, "app", image.manifest(), "no cosign signature in this repository");
            String byTag = "/v2/" + repo + "/manifests/v1";
            String byDigest = "/v2/" + repo + "/manifests/" + image.manifest();
            assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);

            // a developer signs keyless with their own identity (same private Sigstore): not trusted
            TestAccounts.Account developer = accounts.user("klenfdev");
            accounts.member(project, developer, ProjectRole.DEVELOPER);
            byte[] payload = CosignLayouts.payload(repo, image.manifest());
            Issued devCert = sigstore.certificate(ISSUER, "dev@private.example");
            pushKeyless(developer.client(), sigstore, repo, image.manifest(), payload, devCert);
            JsonNode untrusted = awaitReason(project, "app", image.manifest(), "signed keyless by dev@private.example");
            assertThat(untrusted.path("reason").asString()).endsWith("which is not a trusted identity");
            assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);

            // the release identity signs (tag scheme): served, no restart
            Issued release = sigstore.certificate(ISSUER, "release@private.example");
            Digest signature = pushKeyless(admin, sigstore, repo, image.manifest(), payload, release);
            JsonNode ok = awaitReason(project, "app", image.manifest(), "signed keyless by release@private.example");
            assertThat(ok.path("verified").asBoolean()).isTrue();
            assertThat(ok.path("key_name").asString()).isEqualTo("release");
            assertThat(ok.path("signature").asString()).isEqualTo(signature.toString());
            assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);
            assertThat(developer.client().head(byDigest, "Accept", ACCEPT).status())
                    .isEqualTo(200);

            // a bundle v0.3 referrer with a message signature over the manifest verifies too
            RegistryClient.Image second = admin.pushImage(repo, "v2", "bundle".getBytes(StandardCharsets.UTF_8));
            byte[] sig = PrivateSigstore.sign(release.keys(), second.manifestBytes());
            PrivateSigstore.Entry entry = sigstore.log(second.manifestBytes(), sig, release.certificate());
            CosignLayouts.pushBundle(
                    admin,
                    repo,
                    second.manifest(),
                    second.manifestBytes(),
                    sigstore.messageBundle(second.manifestBytes(), sig, release.certificate(), entry)
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(awaitReason(project, "app", second.manifest(), "signed keyless by release@private.example")
                            .path("verified")
                            .asBoolean())
                    .isTrue();
            assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT)
                            .status())
                    .isEqualTo(200);

            // a bundle whose inclusion proof was altered: refused with the reason
            RegistryClient.Image third = admin.pushImage(repo, "v3", "altered".getBytes(StandardCharsets.UTF_8));
            byte[] sig3 = PrivateSigstore.sign(release.keys(), third.manifestBytes());
            PrivateSigstore.Entry e3 = sigstore.log(third.manifestBytes(), sig3, release.certificate());
            List<byte[]> hashes = new java.util.ArrayList<>(e3.proof().hashes());
            byte[] flipped = hashes.getFirst().clone();
            flipped[0] ^= 1;
            hashes.set(0, flipped);
            PrivateSigstore.Entry altered = new PrivateSigstore.Entry(
                    e3.body(),
                    e3.logIndex(),
                    e3.integratedTime(),
                    e3.set(),
                    new PrivateSigstore.Proof(
                            e3.proof().index(),
                            e3.proof().treeSize(),
                            e3.proof().root(),
                            hashes,
                            e3.proof().checkpoint()));
            CosignLayouts.pushBundle(
                    admin,
                    repo,
                    third.manifest(),
                    third.manifestBytes(),
                    sigstore.messageBundle(third.manifestBytes(), sig3, release.certificate(), altered)
                            .getBytes(StandardCharsets.UTF_8));
            awaitReason(project, "app", third.manifest(), "the inclusion proof does not lead to the log's root hash");
            assertThat(admin.get("/v2/" + repo + "/manifests/v3", "Accept", ACCEPT)
                            .status())
                    .isEqualTo(412);
        } finally {
            RegistryClient.check(admin.delete(ROOT_PATH), 200);
        }
        // back to the public-good trust root: the private CA is no longer trusted, re-verified at once
        awaitReason(project, "app", first, "the transparency log entry is from a log the trust root does not name");
        assertThat(admin.get("/v2/" + repo + "/manifests/v1", "Accept", ACCEPT).status())
                .isEqualTo(412);
    }

    private static Digest pushKeyless(
            RegistryClient client, PrivateSigstore sigstore, String repo, Digest subject, byte[] payload, Issued cert) {
        byte[] signature = PrivateSigstore.sign(cert.keys(), payload);
        PrivateSigstore.Entry entry = sigstore.log(payload, signature, cert.certificate());
        return CosignLayouts.pushTagSignature(
                client,
                repo,
                subject,
                payload,
                signature,
                Map.of(
                        CosignVerifier.CERTIFICATE_ANNOTATION,
                        NotationSigning.pem(cert.certificate()),
                        CosignVerifier.BUNDLE_ANNOTATION,
                        sigstore.annotation(entry)));
    }
}
