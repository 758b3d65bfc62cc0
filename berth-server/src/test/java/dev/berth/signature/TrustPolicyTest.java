package dev.berth.signature;

import static dev.berth.support.TestAccounts.postJson;
import static dev.berth.support.TestAccounts.putJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.ProjectRole;
import dev.berth.storage.Digest;
import dev.berth.support.BerthServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Berth's trust policy end to end over HTTP: the API (admins edit, members read, nobody else sees
 * it), verification from the event stream of signatures laid out as cosign lays them out, and
 * enforcement on every manifest pull path.
 */
class TrustPolicyTest {
    private static final String ACCEPT = RegistryClient.OCI_MANIFEST + ", " + RegistryClient.OCI_INDEX;
    private final BerthServer server = BerthServer.shared();
    private final TestAccounts accounts = new TestAccounts(server);
    private final RegistryClient admin = server.adminClient();

    private static String policyPath(String project) {
        return "/api/v2.0/projects/" + project + "/trust-policy";
    }

    private void policy(String project, String mode, List<String> kinds) {
        RegistryClient.check(putJson(admin, policyPath(project), Map.of("mode", mode, "kinds", kinds)), 200);
    }

    private long trust(String project, String name, KeyPair pair) {
        return trust(project, name, SigningKeys.pem(pair));
    }

    private long trust(String project, String name, String pem) {
        Response r = postJson(admin, policyPath(project) + "/keys", Map.of("name", name, "public_key", pem));
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private JsonNode verification(String project, String repoPath, String reference) {
        Response r = admin.get("/api/v2.0/projects/" + project + "/repositories/" + repoPath + "/artifacts/" + reference
                + "/verification");
        RegistryClient.check(r, 200);
        return r.json();
    }

    /** Waits for the trust consumer's result under the current policy version. */
    private JsonNode verified(String project, String repoPath, Digest digest, boolean expected) {
        return Eventually.await(
                () -> verification(project, repoPath, digest.toString()),
                v -> v.path("verified").asBoolean() == expected
                        && !v.path("status").asString().equals("pending"));
    }

    /** Waits until the stored reason of the artifact is the expected one (the latest push judged). */
    private JsonNode reason(String project, String repoPath, Digest digest, String expected) {
        JsonNode v = Eventually.await(
                () -> verification(project, repoPath, digest.toString()),
                r -> r.path("reason").asString().startsWith(expected));
        assertThat(v.path("verified").asBoolean()).isFalse();
        return v;
    }

    private static void assertRefused(Response r, String reasonPart) {
        assertThat(r.status()).as(r.text()).isEqualTo(412);
        assertThat(r.errorCode()).isEqualTo("PROJECTPOLICYVIOLATION");
        assertThat(r.json().path("errors").path(0).path("message").asString())
                .startsWith("The image is not verified by the project's trust policy: ")
                .contains(reasonPart);
    }

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = TrustPolicyTest.class.getResourceAsStream("/signature/fixtures/" + path)) {
            return in.readAllBytes();
        }
    }

    @Test
    void projectAdminsEditTheTrustPolicyMembersReadItAndNobodyElseSeesIt() {
        String project = accounts.project("tpapi", false);
        String other = accounts.project("tpother", false);
        JsonNode initial = admin.get(policyPath(project)).json();
        assertThat(initial.path("mode").asString()).isEqualTo("off");
        assertThat(initial.path("version").asLong()).isZero();

        TestAccounts.Account projectAdmin = accounts.user("tpadmin");
        accounts.member(project, projectAdmin, ProjectRole.PROJECT_ADMIN);
        TestAccounts.Account developer = accounts.user("tpdev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        TestAccounts.Account maintainer = accounts.user("tpmaint");
        accounts.member(project, maintainer, ProjectRole.MAINTAINER);
        TestAccounts.Account stranger = accounts.user("tpstranger");

        Response put =
                putJson(projectAdmin.client(), policyPath(project), Map.of("mode", "warn", "kinds", List.of("cosign")));
        RegistryClient.check(put, 200);
        assertThat(put.json().path("version").asLong()).isEqualTo(1);
        KeyPair pair = SigningKeys.P256.generate();
        Response added = postJson(
                projectAdmin.client(),
                policyPath(project) + "/keys",
                Map.of("name", "release", "public_key", SigningKeys.pem(pair)));
        RegistryClient.check(added, 201);
        String keyPath = added.header("Location").orElseThrow();

        // Members read; only project admins (and system admins) edit.
        for (TestAccounts.Account member : List.of(developer, maintainer)) {
            JsonNode read = member.client().get(policyPath(project)).json();
            assertThat(read.path("mode").asString()).isEqualTo("warn");
            assertThat(read.path("key_count").asLong()).isEqualTo(1);
            Response keys = member.client().get(policyPath(project) + "/keys");
            RegistryClient.check(keys, 200);
            assertThat(keys.json().path(0).path("key_type").asString()).isEqualTo("ecdsa-p256");
            assertThat(keys.json().path(0).path("public_key").asString()).contains("BEGIN PUBLIC KEY");
            assertThat(putJson(member.client(), policyPath(project), Map.of("mode", "off"))
                            .status())
                    .isEqualTo(403);
            assertThat(postJson(
                                    member.client(),
                                    policyPath(project) + "/keys",
                                    Map.of("name", "mine", "public_key", SigningKeys.pem(SigningKeys.P256.generate())))
                            .status())
                    .isEqualTo(403);
            assertThat(member.client().delete(keyPath).status()).isEqualTo(403);
        }
        // Non-members and anonymous callers do not see a private project's policy at all.
        assertThat(stranger.client().get(policyPath(project)).status()).isEqualTo(404);
        assertThat(putJson(stranger.client(), policyPath(project), Map.of("mode", "off"))
                        .status())
                .isEqualTo(404);
        assertThat(server.anonymousClient().get(policyPath(project)).status()).isEqualTo(401);

        // IDOR: the key's id under another project (where the caller is admin) is not found there,
        // and deleting it there changes nothing here.
        long keyId = Long.parseLong(keyPath.substring(keyPath.lastIndexOf('/') + 1));
        assertThat(admin.get(policyPath(other) + "/keys/" + keyId).status()).isEqualTo(404);
        assertThat(admin.delete(policyPath(other) + "/keys/" + keyId).status()).isEqualTo(404);
        RegistryClient.check(admin.get(policyPath(project) + "/keys/" + keyId), 200);

        // Bad input is refused and changes nothing.
        long version = admin.get(policyPath(project)).json().path("version").asLong();
        assertThat(putJson(admin, policyPath(project), Map.of("mode", "strict")).status())
                .isEqualTo(400);
        assertThat(putJson(admin, policyPath(project), Map.of("mode", "enforce", "kinds", List.of("gpg")))
                        .status())
                .isEqualTo(400);
        assertThat(putJson(admin, policyPath(project), Map.of("mode", "enforce", "kinds", List.of()))
                        .status())
                .isEqualTo(400);
        Response badKey =
                postJson(admin, policyPath(project) + "/keys", Map.of("name", "bad", "public_key", "garbage"));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().path("errors").path(0).path("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(postJson(
                                admin,
                                policyPath(project) + "/keys",
                                Map.of("name", "../x", "public_key", SigningKeys.pem(pair)))
                        .status())
                .isEqualTo(400);
        assertThat(postJson(
                                admin,
                                policyPath(project) + "/keys",
                                Map.of("name", "release", "public_key", SigningKeys.pem(pair)))
                        .status())
                .isEqualTo(409);
        JsonNode after = admin.get(policyPath(project)).json();
        assertThat(after.path("version").asLong()).isEqualTo(version);
        assertThat(after.path("mode").asString()).isEqualTo("warn");
        assertThat(after.path("key_count").asLong()).isEqualTo(1);

        // A key change raises the version (results of the old version no longer count).
        RegistryClient.check(projectAdmin.client().delete(keyPath), 200);
        assertThat(admin.get(policyPath(project)).json().path("version").asLong())
                .isEqualTo(version + 1);
        assertThat(admin.get(keyPath).status()).isEqualTo(404);
    }

    @Test
    void enforcementRefusesUnverifiedPullsOnEveryPathUntilATrustedSignatureArrives() {
        String project = accounts.project("tpenf", false);
        String repo = project + "/app";
        KeyPair release = SigningKeys.P256.generate();
        trust(project, "release", release);
        policy(project, "enforce", List.of("cosign"));
        RegistryClient.Image image = admin.pushImage(repo, "v1", "enforced".getBytes(StandardCharsets.UTF_8));
        JsonNode unverified = verified(project, "app", image.manifest(), false);
        assertThat(unverified.path("reason").asString()).isEqualTo("no cosign signature in this repository");

        String byTag = "/v2/" + repo + "/manifests/v1";
        String byDigest = "/v2/" + repo + "/manifests/" + image.manifest();
        assertRefused(admin.get(byTag, "Accept", ACCEPT), "no cosign signature");
        assertRefused(admin.get(byDigest, "Accept", ACCEPT), "no cosign signature");
        assertThat(admin.head(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
        assertThat(admin.head(byDigest, "Accept", ACCEPT).status()).isEqualTo(412);
        TestAccounts.Account developer = accounts.user("tpenfdev");
        accounts.member(project, developer, ProjectRole.DEVELOPER);
        assertThat(developer.client().get(byTag, "Accept", ACCEPT).status()).isEqualTo(412);
        // the audit log names the reason
        String description = accounts.jdbc()
                .sql("SELECT operation_description FROM audit_log WHERE project_id = ? AND operation = 'pull'"
                        + " AND operation_description LIKE 'refused%' ORDER BY id DESC LIMIT 1")
                .param(accounts.projectId(project))
                .query(String.class)
                .single();
        assertThat(description).isEqualTo("refused, no verified signature: no cosign signature in this repository");

        // A developer signs with their own key: not trusted.
        KeyPair own = SigningKeys.P256.generate();
        byte[] payload = CosignLayouts.payload(repo, image.manifest());
        CosignLayouts.pushTagSignature(
                developer.client(), repo, image.manifest(), payload, SigningKeys.P256.sign(own, payload));
        reason(project, "app", image.manifest(), "no trusted key verifies");
        assertRefused(admin.get(byTag, "Accept", ACCEPT), "no trusted key verifies the signature");

        // The release key's signature arrives (cosign replaces the .sig tag): 200 with no restart.
        Digest signature = CosignLayouts.pushTagSignature(
                admin, repo, image.manifest(), payload, SigningKeys.P256.sign(release, payload));
        JsonNode ok = verified(project, "app", image.manifest(), true);
        assertThat(ok.path("key_name").asString()).isEqualTo("release");
        assertThat(ok.path("kind").asString()).isEqualTo("cosign");
        assertThat(ok.path("signature").asString()).isEqualTo(signature.toString());
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);
        assertThat(developer.client().head(byDigest, "Accept", ACCEPT).status()).isEqualTo(200);
        // the signature itself can be read by verifiers
        assertThat(developer
                        .client()
                        .get("/v2/" + repo + "/manifests/" + CosignLayouts.tagOf(image.manifest()), "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);

        // Removing the key re-verifies the project under a new version: refused again.
        long keyId = admin.get(policyPath(project) + "/keys")
                .json()
                .path(0)
                .path("id")
                .asLong();
        RegistryClient.check(admin.delete(policyPath(project) + "/keys/" + keyId), 200);
        assertRefused(admin.get(byTag, "Accept", ACCEPT), "");
        reason(
                project,
                "app",
                image.manifest(),
                "the project's trust policy has no trusted keys or keyless identities");
        // Trusting it again (a new version) verifies the stored signature again, without a push.
        trust(project, "release-again", release);
        assertThat(verified(project, "app", image.manifest(), true)
                        .path("key_name")
                        .asString())
                .isEqualTo("release-again");
        assertThat(admin.get(byTag, "Accept", ACCEPT).status()).isEqualTo(200);

        // Warn mode serves and records; off does nothing.
        RegistryClient.Image unsigned = admin.pushImage(repo, "v2", "unsigned".getBytes(StandardCharsets.UTF_8));
        policy(project, "warn", List.of("cosign"));
        verified(project, "app", unsigned.manifest(), false);
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT).status())
                .isEqualTo(200);
        assertThat(accounts.jdbc()
                        .sql("SELECT count(*) FROM audit_log WHERE project_id = ? AND operation = 'pull'"
                                + " AND operation_description LIKE 'served unverified%'")
                        .param(accounts.projectId(project))
                        .query(Long.class)
                        .single())
                .isPositive();
        policy(project, "off", List.of("cosign"));
        assertThat(admin.get("/v2/" + repo + "/manifests/v2", "Accept", ACCEPT).status())
                .isEqualTo(200);
    }

    @Test
    void signaturesOfEveryKeyTypeVerifyInBothOfCosignsLayouts() {
        String project = accounts.project("tptypes", false);
        String repo = project + "/app";
        policy(project, "enforce", List.of("cosign"));
        for (SigningKeys type : SigningKeys.values()) {
            KeyPair pair = type.generate();
            trust(project, "key-" + type.name().toLowerCase(), pair);
            RegistryClient.Image tagged =
                    admin.pushImage(repo, "tag-" + type, ("t" + type).getBytes(StandardCharsets.UTF_8));
            byte[] payload = CosignLayouts.payload(repo, tagged.manifest());
            CosignLayouts.pushTagSignature(admin, repo, tagged.manifest(), payload, type.sign(pair, payload));

            RegistryClient.Image bundled =
                    admin.pushImage(repo, "bundle-" + type, ("b" + type).getBytes(StandardCharsets.UTF_8));
            byte[] statement = CosignLayouts.statement(bundled.manifest(), CosignVerifier.SIGN_PREDICATE);
            byte[] sig = type.sign(pair, CosignVerifier.pae(CosignVerifier.IN_TOTO, statement));
            CosignLayouts.pushBundle(
                    admin,
                    repo,
                    bundled.manifest(),
                    bundled.manifestBytes(),
                    CosignLayouts.dsseBundle(statement, sig, "k"));

            assertThat(verified(project, "app", tagged.manifest(), true)
                            .path("key_name")
                            .asString())
                    .isEqualTo("key-" + type.name().toLowerCase());
            assertThat(verified(project, "app", bundled.manifest(), true)
                            .path("key_name")
                            .asString())
                    .isEqualTo("key-" + type.name().toLowerCase());
            assertThat(admin.get("/v2/" + repo + "/manifests/bundle-" + type, "Accept", ACCEPT)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void forgedMisdirectedAndOversizedSignaturesAreRefusedWithTheirReason() throws IOException {
        String project = accounts.project("tpneg", false);
        String repo = project + "/app";
        KeyPair release = SigningKeys.P256.generate();
        trust(project, "release", release);
        policy(project, "enforce", List.of("cosign"));

        // One byte of the payload changed after signing.
        RegistryClient.Image altered = admin.pushImage(repo, "altered", "a".getBytes(StandardCharsets.UTF_8));
        byte[] payload = CosignLayouts.payload(repo, altered.manifest());
        byte[] signature = SigningKeys.P256.sign(release, payload);
        byte[] changed = new String(payload, StandardCharsets.UTF_8)
                .replace("\"optional\":null", "\"optional\":nul1")
                .getBytes(StandardCharsets.UTF_8);
        CosignLayouts.pushTagSignature(admin, repo, altered.manifest(), changed, signature);
        reason(project, "app", altered.manifest(), "no trusted key verifies the signature");

        // A trusted signature of another digest, pushed under this artifact's .sig tag.
        RegistryClient.Image target = admin.pushImage(repo, "target", "t".getBytes(StandardCharsets.UTF_8));
        RegistryClient.Image elsewhere = admin.pushImage(repo, "elsewhere", "e".getBytes(StandardCharsets.UTF_8));
        byte[] forOther = CosignLayouts.payload(repo, elsewhere.manifest());
        CosignLayouts.pushTagSignature(
                admin, repo, target.manifest(), forOther, SigningKeys.P256.sign(release, forOther));
        reason(
                project,
                "app",
                target.manifest(),
                "the signature is for " + elsewhere.manifest() + ", not this artifact");

        // A real cosign signature (containers/image's fixture, made by cosign sign --key) under its
        // real key: it verifies, but it is for the fixture's image, not for this one.
        trust(project, "containers-image", new String(fixture("containers-image/cosign.pub"), StandardCharsets.UTF_8));
        RegistryClient.Image real = admin.pushImage(repo, "real", "r".getBytes(StandardCharsets.UTF_8));
        byte[] raw = fixture("containers-image/dir-img-cosign-valid/signature-1");
        JsonNode layer = RegistryClient.JSON.readTree(
                Arrays.copyOfRange(raw, new String(raw, StandardCharsets.ISO_8859_1).indexOf('{'), raw.length));
        byte[] realPayload = Base64.getDecoder().decode(layer.path("payload").asString());
        byte[] realSignature = Base64.getDecoder()
                .decode(layer.path("annotations")
                        .path("dev.cosignproject.cosign/signature")
                        .asString());
        CosignLayouts.pushTagSignature(admin, repo, real.manifest(), realPayload, realSignature);
        Digest fixtureManifest = Digest.sha256(fixture("containers-image/dir-img-cosign-valid/manifest.json"));
        reason(project, "app", real.manifest(), "the signature is for " + fixtureManifest + ", not this artifact");

        // A signature accessory in another repository pointing at this repository's digest.
        RegistryClient.Image victim = admin.pushImage(repo, "victim", "v".getBytes(StandardCharsets.UTF_8));
        String otherRepo = project + "/other";
        admin.pushImage(otherRepo, "x", "x".getBytes(StandardCharsets.UTF_8));
        byte[] victimPayload = CosignLayouts.payload(repo, victim.manifest());
        CosignLayouts.pushTagSignature(
                admin, otherRepo, victim.manifest(), victimPayload, SigningKeys.P256.sign(release, victimPayload));
        // the stream is read in order: once an artifact pushed after it is judged, so was that push
        RegistryClient.Image marker = admin.pushImage(repo, "marker", "m".getBytes(StandardCharsets.UTF_8));
        verified(project, "app", marker.manifest(), false);
        reason(project, "app", victim.manifest(), "no cosign signature in this repository");
        assertRefused(admin.get("/v2/" + repo + "/manifests/victim", "Accept", ACCEPT), "no cosign signature");

        // Algorithm confusion: an RSA signature by a key whose public half is presented in the bundle.
        RegistryClient.Image confused = admin.pushImage(repo, "confused", "c".getBytes(StandardCharsets.UTF_8));
        KeyPair rsa = SigningKeys.RSA2048.generate();
        byte[] statement = CosignLayouts.statement(confused.manifest(), CosignVerifier.SIGN_PREDICATE);
        byte[] rsaSig = SigningKeys.RSA2048.sign(rsa, CosignVerifier.pae(CosignVerifier.IN_TOTO, statement));
        CosignLayouts.pushBundle(
                admin,
                repo,
                confused.manifest(),
                confused.manifestBytes(),
                CosignLayouts.dsseBundle(statement, rsaSig, "release"));
        reason(project, "app", confused.manifest(), "no trusted key verifies the signature");

        // cosign's own attestation fixture under its real key: signed, but an attestation.
        trust(
                project,
                "cosign-test",
                new String(fixture("cosign/verify-blob-attestation.pub"), StandardCharsets.UTF_8));
        RegistryClient.Image attested = admin.pushImage(repo, "attested", "at".getBytes(StandardCharsets.UTF_8));
        JsonNode envelope = RegistryClient.JSON.readTree(fixture("cosign/blob-slsa-provenance.dsse.json"));
        byte[] bundle = ("{\"mediaType\":\"" + CosignLayouts.BUNDLE
                        + "\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"\"}}," + "\"dsseEnvelope\":"
                        + envelope + "}")
                .getBytes(StandardCharsets.UTF_8);
        CosignLayouts.pushBundle(admin, repo, attested.manifest(), attested.manifestBytes(), bundle);
        reason(project, "app", attested.manifest(), "the signed statement is an attestation, not a cosign signature");

        // A huge payload is not read.
        RegistryClient.Image huge = admin.pushImage(repo, "huge", "h".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[CosignVerifier.MAX_PAYLOAD + 1];
        Arrays.fill(big, (byte) ' ');
        byte[] hugePayload = CosignLayouts.payload(repo, huge.manifest());
        System.arraycopy(hugePayload, 0, big, 0, hugePayload.length);
        CosignLayouts.pushTagSignature(admin, repo, huge.manifest(), big, SigningKeys.P256.sign(release, big));
        assertThat(Eventually.await(
                                () -> verification(
                                        project, "app", huge.manifest().toString()),
                                r -> r.path("reason")
                                        .asString()
                                        .contains("larger than " + CosignVerifier.MAX_PAYLOAD + " bytes"))
                        .path("verified")
                        .asBoolean())
                .isFalse();
        // Deeply nested JSON in a (small) signed payload does not break verification of the rest.
        RegistryClient.Image nested = admin.pushImage(repo, "nested", "n".getBytes(StandardCharsets.UTF_8));
        byte[] deep = ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        CosignLayouts.pushTagSignature(admin, repo, nested.manifest(), deep, SigningKeys.P256.sign(release, deep));
        reason(project, "app", nested.manifest(), "the signed payload is not JSON");
    }

    @Test
    void aSignedIndexCoversItsChildrenAndAnUnsignedIndexsChildrenAreRefused() {
        String project = accounts.project("tpidx", false);
        String repo = project + "/multi";
        KeyPair release = SigningKeys.ED25519.generate();
        trust(project, "release", release);
        policy(project, "enforce", List.of("cosign"));
        RegistryClient.Image amd = admin.pushImage(repo, null, "amd64".getBytes(StandardCharsets.UTF_8));
        RegistryClient.Image arm = admin.pushImage(repo, null, "arm64".getBytes(StandardCharsets.UTF_8));
        byte[] index = RegistryClient.index(
                RegistryClient.OCI_INDEX,
                List.of(
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, amd.manifest(), amd.manifestBytes().length),
                        RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, arm.manifest(), arm.manifestBytes().length)));
        Digest indexDigest = admin.pushManifest(repo, "v1", RegistryClient.OCI_INDEX, index);
        verified(project, "multi", indexDigest, false);
        assertRefused(admin.get("/v2/" + repo + "/manifests/v1", "Accept", ACCEPT), "no cosign signature");
        assertRefused(admin.get("/v2/" + repo + "/manifests/" + amd.manifest(), "Accept", ACCEPT), "");

        byte[] payload = CosignLayouts.payload(repo, indexDigest);
        CosignLayouts.pushTagSignature(admin, repo, indexDigest, payload, SigningKeys.ED25519.sign(release, payload));
        verified(project, "multi", indexDigest, true);
        JsonNode child = verified(project, "multi", arm.manifest(), true);
        assertThat(child.path("reason").asString()).startsWith("listed by the verified index " + indexDigest);
        assertThat(admin.get("/v2/" + repo + "/manifests/v1", "Accept", ACCEPT).status())
                .isEqualTo(200);
        assertThat(admin.get("/v2/" + repo + "/manifests/" + amd.manifest(), "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);
        assertThat(admin.head("/v2/" + repo + "/manifests/" + arm.manifest(), "Accept", ACCEPT)
                        .status())
                .isEqualTo(200);
    }
}
