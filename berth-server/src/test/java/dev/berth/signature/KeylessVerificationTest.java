package dev.berth.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keyless (Fulcio certificate + Rekor evidence) verification without a server, on signatures the
 * real Sigstore tools made for the public-good instance (sigstore-java's and sigstore-conformance's
 * bundles, see fixtures/README.md), against the public-good trust root Berth ships: the genuine
 * ones verify; a wrong identity or issuer, a changed artifact, an altered signed entry timestamp,
 * inclusion proof or checkpoint, a log entry of another signature, a certificate expired at the
 * signing time and a CA that is not in the trust root each fail with their own reason.
 */
class KeylessVerificationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GOOGLE = "https://accounts.google.com";
    private static final String GITHUB = "https://token.actions.githubusercontent.com";

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in =
                KeylessVerificationTest.class.getResourceAsStream("/signature/fixtures/sigstore/" + path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    static SigstoreTrustedRoot publicGood() throws IOException {
        try (InputStream in = KeylessVerificationTest.class.getResourceAsStream("/sigstore/trusted_root.json")) {
            return SigstoreTrustedRoot.parse(in.readAllBytes());
        }
    }

    private static KeylessIdentity identity(String issuer, String subject) {
        return KeylessIdentity.of(1, "release", issuer, null, subject, null);
    }

    private static KeylessVerifier.Outcome verify(
            JsonNode bundle, byte[] artifact, SigstoreTrustedRoot root, KeylessIdentity... identities) {
        JsonNode dsse = bundle.path("dsseEnvelope");
        if (dsse.isObject()) {
            byte[] payload = Base64.getDecoder().decode(dsse.path("payload").asString());
            byte[] sig = Base64.getDecoder()
                    .decode(dsse.path("signatures").path(0).path("sig").asString());
            return KeylessVerifier.verifyBundle(
                    bundle,
                    sig,
                    KeylessVerifier.Signed.dsse(
                            CosignVerifier.pae(dsse.path("payloadType").asString(), payload), payload),
                    root,
                    List.of(identities));
        }
        byte[] sig = Base64.getDecoder()
                .decode(bundle.path("messageSignature").path("signature").asString());
        return KeylessVerifier.verifyBundle(
                bundle, sig, KeylessVerifier.Signed.message(artifact), root, List.of(identities));
    }

    private static JsonNode bundle(String name) throws IOException {
        return JSON.readTree(fixture(name));
    }

    @Test
    void theShippedTrustRootIsThePublicGoodOne() throws IOException {
        SigstoreTrustedRoot root = publicGood();
        assertThat(root.authorities())
                .extracting(SigstoreTrustedRoot.CertificateAuthority::uri)
                .containsOnly("https://fulcio.sigstore.dev");
        assertThat(root.tlogs()).hasSize(2);
        assertThat(root.ctlogs()).hasSize(2);
        assertThat(root.timestampAuthorities()).hasSize(1);
    }

    @Test
    void genuineMessageSignatureBundlesVerify() throws IOException {
        byte[] artifact = fixture("artifact.txt");
        SigstoreTrustedRoot root = publicGood();
        KeylessVerifier.Outcome ok =
                verify(bundle("bundle.v3_1.sigstore"), artifact, root, identity(GOOGLE, "appu@google.com"));
        assertThat(ok.verified()).as(ok.reason()).isTrue();
        assertThat(ok.reason())
                .isEqualTo(
                        "signed keyless by appu@google.com (issuer https://accounts.google.com), trusted identity release");
        // the same signature with only a signed entry timestamp (no inclusion proof): a bundle v0.3
        // must carry an inclusion proof, as sigstore clients require from v0.2 on; in a v0.1 bundle
        // the signed entry timestamp alone verifies
        KeylessVerifier.Outcome setOnly =
                verify(bundle("bundle.v3.no.inclusion.sigstore"), artifact, root, identity(GOOGLE, "appu@google.com"));
        assertThat(setOnly.verified()).isFalse();
        assertThat(setOnly.reason())
                .isEqualTo("the bundle's transparency log entries have no inclusion proof (required from Sigstore"
                        + " bundle v0.2 on; a signed entry timestamp alone is not enough)");
        for (String mediaType : List.of(
                "application/vnd.dev.sigstore.bundle+json;version=0.2",
                "application/vnd.dev.sigstore.bundle.v0.3+json")) {
            ObjectNode relabelled = (ObjectNode) bundle("bundle.v3.no.inclusion.sigstore");
            relabelled.put("mediaType", mediaType);
            assertThat(verify(relabelled, artifact, root, identity(GOOGLE, "appu@google.com"))
                            .reason())
                    .as(mediaType)
                    .contains("have no inclusion proof");
        }
        ObjectNode v01 = (ObjectNode) bundle("bundle.v3.no.inclusion.sigstore");
        v01.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
        KeylessVerifier.Outcome setOnlyV01 = verify(v01, artifact, root, identity(GOOGLE, "appu@google.com"));
        assertThat(setOnlyV01.verified()).as(setOnlyV01.reason()).isTrue();
        // a v0.3 bundle holds one certificate, not a chain
        ObjectNode chain = (ObjectNode) bundle("bundle.v3_1.sigstore");
        ObjectNode material = (ObjectNode) chain.path("verificationMaterial");
        material.putObject("x509CertificateChain").putArray("certificates").add(material.remove("certificate"));
        assertThat(verify(chain, artifact, root, identity(GOOGLE, "appu@google.com"))
                        .reason())
                .isEqualTo("the bundle holds a certificate chain, which Sigstore bundles v0.3 do not allow");
        chain.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.2");
        assertThat(verify(chain, artifact, root, identity(GOOGLE, "appu@google.com"))
                        .verified())
                .isTrue();
        // a pattern for the subject, an exact issuer
        KeylessVerifier.Outcome pattern = verify(
                bundle("bundle.v3_1.sigstore"),
                artifact,
                root,
                KeylessIdentity.of(2, "googlers", GOOGLE, null, null, ".*@google\\.com"));
        assertThat(pattern.verified()).as(pattern.reason()).isTrue();
    }

    @Test
    void genuineDsseBundleFromAGitHubWorkflowVerifies() throws IOException {
        KeylessVerifier.Outcome ok = verify(
                bundle("bundle.dsse.sigstore"),
                null,
                publicGood(),
                KeylessIdentity.of(
                        3,
                        "workflow",
                        null,
                        "https://token\\.actions\\.githubusercontent\\.com",
                        null,
                        "https://github\\.com/loosebazooka/aa-test/\\.github/workflows/.*@refs/heads/main"));
        assertThat(ok.verified()).as(ok.reason()).isTrue();
        assertThat(ok.reason())
                .startsWith(
                        "signed keyless by https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main"
                                + " (issuer https://token.actions.githubusercontent.com)");
    }

    @Test
    void intotoEntriesOfDsseEnvelopesVerify() throws IOException {
        // sigstore-js's DSSE bundle v0.1, logged on the public-good Rekor as an intoto 0.0.2 entry
        KeylessIdentity brian = identity("https://github.com/login/oauth", "brian@dehamer.com");
        KeylessVerifier.Outcome ok = verify(bundle("intoto.v01.sigstore"), null, publicGood(), brian);
        assertThat(ok.verified()).as(ok.reason()).isTrue();
        assertThat(ok.reason())
                .isEqualTo("signed keyless by brian@dehamer.com (issuer https://github.com/login/oauth), trusted"
                        + " identity release");
        // the entry's body changed: each change is refused for what it changed
        assertThat(intotoAltered(b -> b.put("apiVersion", "0.0.1")).reason())
                .isEqualTo("the transparency log entry is of kind intoto 0.0.1; Berth verifies intoto entries of"
                        + " version 0.0.2 only (earlier ones record no signature)");
        assertThat(intotoAltered(b -> ((ObjectNode)
                                        b.path("spec").path("content").path("payloadHash"))
                                .put("value", "00".repeat(32)))
                        .reason())
                .isEqualTo("the transparency log entry is for another DSSE payload");
        assertThat(intotoAltered(b -> ((ObjectNode) b.path("spec")
                                        .path("content")
                                        .path("envelope")
                                        .path("signatures")
                                        .path(0))
                                .put(
                                        "sig",
                                        Base64.getEncoder().encodeToString("AAAA".getBytes(StandardCharsets.US_ASCII))))
                        .reason())
                .isEqualTo("the transparency log entry records another signature or certificate");
        // an unchanged body whose SET no longer matches (the integrated time moved)
        ObjectNode timeAltered = (ObjectNode) bundle("intoto.v01.sigstore");
        ((ObjectNode) timeAltered
                        .path("verificationMaterial")
                        .path("tlogEntries")
                        .path(0))
                .put("integratedTime", "1667948288");
        assertThat(verify(timeAltered, null, publicGood(), brian).reason())
                .isEqualTo("the transparency log's signed entry timestamp does not verify (altered entry)");
    }

    /** The intoto bundle with its entry's body changed (its SET is then checked after the body). */
    private static KeylessVerifier.Outcome intotoAltered(java.util.function.Consumer<ObjectNode> change)
            throws IOException {
        ObjectNode bundle = (ObjectNode) bundle("intoto.v01.sigstore");
        ObjectNode entry = (ObjectNode)
                bundle.path("verificationMaterial").path("tlogEntries").path(0);
        ObjectNode body = (ObjectNode) JSON.readTree(
                Base64.getDecoder().decode(entry.path("canonicalizedBody").asString()));
        change.accept(body);
        entry.put("canonicalizedBody", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(body)));
        return verify(bundle, null, publicGood(), identity("https://github.com/login/oauth", "brian@dehamer.com"));
    }

    @Test
    void aWrongIdentityOrIssuerIsNotTrusted() throws IOException {
        byte[] artifact = fixture("artifact.txt");
        KeylessVerifier.Outcome otherSubject =
                verify(bundle("bundle.v3_1.sigstore"), artifact, publicGood(), identity(GOOGLE, "release@example.com"));
        assertThat(otherSubject.verified()).isFalse();
        assertThat(otherSubject.reason())
                .isEqualTo("signed keyless by appu@google.com (issuer https://accounts.google.com), which is not a"
                        + " trusted identity");
        KeylessVerifier.Outcome otherIssuer =
                verify(bundle("bundle.v3_1.sigstore"), artifact, publicGood(), identity(GITHUB, "appu@google.com"));
        assertThat(otherIssuer.verified()).isFalse();
        assertThat(otherIssuer.reason())
                .contains("issuer https://accounts.google.com")
                .endsWith("not a trusted issuer");
        // a pattern matches the whole value only
        KeylessVerifier.Outcome partial = verify(
                bundle("bundle.v3_1.sigstore"),
                artifact,
                publicGood(),
                KeylessIdentity.of(4, "p", GOOGLE, null, null, "appu@google"));
        assertThat(partial.verified()).isFalse();
        // no identities at all: nothing is trusted
        assertThat(verify(bundle("bundle.v3_1.sigstore"), artifact, publicGood())
                        .verified())
                .isFalse();
    }

    @Test
    void aChangedArtifactDoesNotVerify() throws IOException {
        byte[] artifact = fixture("artifact.txt");
        artifact[10] ^= 1;
        KeylessVerifier.Outcome o =
                verify(bundle("bundle.v3_1.sigstore"), artifact, publicGood(), identity(GOOGLE, "appu@google.com"));
        assertThat(o.verified()).isFalse();
        assertThat(o.reason()).contains("does not verify under its certificate's key");
    }

    @Test
    void alteredTransparencyLogEvidenceIsRefused() throws IOException {
        byte[] artifact = fixture("artifact.txt");
        SigstoreTrustedRoot root = publicGood();
        KeylessIdentity beacon = KeylessIdentity.of(5, "any", null, ".*", null, ".*");
        // sigstore-conformance's bundle whose SET does not match its entry
        KeylessVerifier.Outcome set = verify(bundle("bundle-with-mismatched-set.sigstore"), artifact, root, beacon);
        assertThat(set.verified()).isFalse();
        assertThat(set.reason()).contains("signed entry timestamp does not verify");
        // ... and the one whose checkpoint signature is wrong
        KeylessVerifier.Outcome checkpoint =
                verify(bundle("bundle-with-bad-checkpoint-signature.sigstore"), artifact, root, beacon);
        assertThat(checkpoint.verified()).isFalse();
        assertThat(checkpoint.reason()).contains("checkpoint is not signed by the transparency log's key");
        // one hash of a genuine inclusion proof changed
        ObjectNode proofAltered = (ObjectNode) bundle("bundle.v3_1.sigstore");
        ArrayNode hashes = (ArrayNode) proofAltered
                .path("verificationMaterial")
                .path("tlogEntries")
                .path(0)
                .path("inclusionProof")
                .path("hashes");
        byte[] h = Base64.getDecoder().decode(hashes.get(3).asString());
        h[0] ^= 1;
        hashes.set(3, Base64.getEncoder().encodeToString(h));
        KeylessVerifier.Outcome proof = verify(proofAltered, artifact, root, identity(GOOGLE, "appu@google.com"));
        assertThat(proof.verified()).isFalse();
        assertThat(proof.reason()).contains("inclusion proof does not lead to the log's root hash");
        // the integrated time changed: the SET no longer verifies
        ObjectNode timeAltered = (ObjectNode) bundle("bundle.v3_1.sigstore");
        ((ObjectNode) timeAltered
                        .path("verificationMaterial")
                        .path("tlogEntries")
                        .path(0))
                .put("integratedTime", "1697034000");
        assertThat(verify(timeAltered, artifact, root, identity(GOOGLE, "appu@google.com"))
                        .reason())
                .contains("signed entry timestamp does not verify");
        // no transparency log entry at all
        ObjectNode noLog = (ObjectNode) bundle("bundle.v3_1.sigstore");
        ((ObjectNode) noLog.path("verificationMaterial")).putArray("tlogEntries");
        assertThat(verify(noLog, artifact, root, identity(GOOGLE, "appu@google.com"))
                        .reason())
                .contains("has no transparency log entry");
        // the SET removed, only the inclusion proof left: the time is not authenticated
        ObjectNode noSet = (ObjectNode) bundle("bundle.v3_1.sigstore");
        ((ObjectNode) noSet.path("verificationMaterial").path("tlogEntries").path(0)).remove("inclusionPromise");
        assertThat(verify(noSet, artifact, root, identity(GOOGLE, "appu@google.com"))
                        .reason())
                .contains("no signed entry timestamp");
    }

    // ---- SCTs, RFC 3161 timestamps, Rekor v2 (sigstore-conformance's bundles) ----

    private static final KeylessIdentity BEACON = KeylessIdentity.of(
            7,
            "beacon",
            GITHUB,
            null,
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/"
                    + "extremely-dangerous-oidc-beacon.yml@refs/heads/main",
            null);

    private static KeylessVerifier.Outcome conformance(String bundle, String root) throws IOException {
        return verify(
                bundle("conformance/" + bundle + ".sigstore.json"),
                fixture("artifact.txt"),
                SigstoreTrustedRoot.parse(fixture("conformance/" + root + ".trusted_root.json")),
                BEACON);
    }

    @Test
    void signedCertificateTimestampsAreVerifiedAgainstTheTrustRootsCtLogs() throws IOException {
        byte[] artifact = fixture("artifact.txt");
        // the genuine public-good certificates carry SCTs of the public-good CT log: they verify (above);
        // the same with the trust root's CT log keys replaced by another key: refused
        ObjectNode root = (ObjectNode)
                JSON.readTree(KeylessVerificationTest.class.getResourceAsStream("/sigstore/trusted_root.json"));
        JsonNode staging = JSON.readTree(fixture("staging_trusted_root.json"));
        for (JsonNode ct : root.path("ctlogs")) {
            ((ObjectNode) ct.path("publicKey"))
                    .put(
                            "rawBytes",
                            staging.path("ctlogs")
                                    .path(2)
                                    .path("publicKey")
                                    .path("rawBytes")
                                    .asString());
        }
        KeylessVerifier.Outcome otherKey = verify(
                bundle("bundle.v3_1.sigstore"),
                artifact,
                SigstoreTrustedRoot.parse(JSON.writeValueAsBytes(root)),
                identity(GOOGLE, "appu@google.com"));
        assertThat(otherKey.verified()).isFalse();
        assertThat(otherKey.reason()).contains("SCT does not verify under the CT log's key");
        // CT logs of another instance only: no SCT from a CT log of the trust root
        root.set("ctlogs", staging.path("ctlogs"));
        KeylessVerifier.Outcome otherLogs = verify(
                bundle("bundle.v3_1.sigstore"),
                artifact,
                SigstoreTrustedRoot.parse(JSON.writeValueAsBytes(root)),
                identity(GOOGLE, "appu@google.com"));
        assertThat(otherLogs.reason()).isEqualTo("the signing certificate has no SCT from a CT log of the trust root");
        // a trust root without CT logs does not ask for SCTs (a private Sigstore without CT)
        root.putArray("ctlogs");
        assertThat(verify(
                                bundle("bundle.v3_1.sigstore"),
                                artifact,
                                SigstoreTrustedRoot.parse(JSON.writeValueAsBytes(root)),
                                identity(GOOGLE, "appu@google.com"))
                        .verified())
                .isTrue();
        // sigstore-conformance: an SCT with a non-empty extensions field (static CT) verifies
        KeylessVerifier.Outcome extensions = conformance("bundle-with-sct-with-extensions", "sct-with-extensions");
        assertThat(extensions.verified()).as(extensions.reason()).isTrue();
        // a public-good certificate under a trust root whose CT logs are another instance's
        KeylessVerifier.Outcome invalidCt = conformance("invalid-ct-key_fail", "invalid-ct-key");
        assertThat(invalidCt.verified()).isFalse();
        assertThat(invalidCt.reason()).isEqualTo("the signing certificate has no SCT from a CT log of the trust root");
    }

    @Test
    void rekorV2EntriesWithRfc3161TimestampsVerify() throws IOException {
        for (String ok :
                List.of("rekor2-happy-path", "rekor2-timestamp-with-embedded-cert", "rekor2-checkpoint-cosigned")) {
            KeylessVerifier.Outcome o = conformance(ok, "staging-rekor2");
            assertThat(o.verified()).as(ok + ": " + o.reason()).isTrue();
        }
        // a TSA chain that has expired since, but was valid at the timestamp's time
        KeylessVerifier.Outcome expiredSince =
                conformance("rekor2-timestamp-with-expired-cert-chain", "tsa-cert-expired");
        assertThat(expiredSince.verified()).as(expiredSince.reason()).isTrue();
        // a DSSE envelope logged as hashedrekord 0.0.2 over its PAE
        KeylessVerifier.Outcome dsse = conformance("rekor2-dsse-happy-path", "staging-rekor2-dsse");
        assertThat(dsse.verified()).as(dsse.reason()).isTrue();
    }

    @Test
    void rekorV2AndTimestampRefusals() throws IOException {
        assertThat(conformance("rekor2-no-timestamp_fail", "staging-rekor2").reason())
                .isEqualTo("the transparency log entry has no signed entry timestamp and the bundle no RFC 3161"
                        + " timestamp, so the signing time is not authenticated");
        assertThat(conformance("rekor2-no-inclusion-proof_fail", "staging-rekor2")
                        .reason())
                .isEqualTo("the bundle's transparency log entries have no inclusion proof (required from Sigstore"
                        + " bundle v0.2 on; a signed entry timestamp alone is not enough)");
        assertThat(conformance("rekor2-timestamp-payload-mismatch_fail", "staging-rekor2")
                        .reason())
                .isEqualTo("the RFC 3161 timestamp is for another signature (message imprint)");
        assertThat(conformance("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", "staging-rekor2")
                        .reason())
                .startsWith("the RFC 3161 timestamp");
        assertThat(conformance("rekor2-timestamp-outside-tsa-cert-validity_fail", "tsa-cert-expired")
                        .reason())
                .contains("timestamp authority");
        assertThat(conformance("rekor2-happy-path", "tsa-validity-ended").reason())
                .startsWith("the timestamp authority https://timestamp.sigstage.dev/api/v1/timestamp was not valid");
        assertThat(conformance("rekor2-timestamp-with-incorrect-time_fail", "staging-rekor2")
                        .reason())
                .startsWith("the signing certificate expired on");
        assertThat(conformance("rekor2-checkpoint-no-matching-signature_fail", "staging-rekor2")
                        .reason())
                .contains("checkpoint is not signed by the transparency log's key");
        assertThat(conformance("rekor2-dsse-mismatch-sig_fail", "staging-rekor2-dsse")
                        .verified())
                .isFalse();
    }

    @Test
    void aLogEntryOfAnotherSignatureIsRefused() throws IOException {
        KeylessVerifier.Outcome o = verify(
                bundle("bundle-with-wrong-tlog-entry.sigstore"),
                fixture("artifact.txt"),
                publicGood(),
                identity(GOOGLE, "appu@google.com"));
        assertThat(o.verified()).isFalse();
        assertThat(o.reason()).startsWith("the transparency log entry");
    }

    @Test
    void aCertificateExpiredAtTheSigningTimeIsRefused() throws IOException {
        KeylessVerifier.Outcome o = verify(
                bundle("bundle-with-expired-cert.sigstore"),
                fixture("artifact.txt"),
                publicGood(),
                KeylessIdentity.of(6, "any", null, ".*", null, ".*"));
        assertThat(o.verified()).isFalse();
        assertThat(o.reason()).startsWith("the signing certificate expired on 2026-05-07T15:28:10Z (signed at");
    }

    @Test
    void aCertificateAuthorityOutsideTheTrustRootIsNotTrusted() throws IOException {
        // the public-good logs, but only the staging instance's Fulcio CA
        ObjectNode root = (ObjectNode)
                JSON.readTree(KeylessVerificationTest.class.getResourceAsStream("/sigstore/trusted_root.json"));
        JsonNode staging = JSON.readTree(fixture("staging_trusted_root.json"));
        root.set("certificateAuthorities", staging.path("certificateAuthorities"));
        SigstoreTrustedRoot otherCa = SigstoreTrustedRoot.parse(JSON.writeValueAsBytes(root));
        KeylessVerifier.Outcome o = verify(
                bundle("bundle.v3_1.sigstore"), fixture("artifact.txt"), otherCa, identity(GOOGLE, "appu@google.com"));
        assertThat(o.verified()).isFalse();
        assertThat(o.reason())
                .isEqualTo("the signing certificate is not issued by a certificate authority of the trust root");
        // and the staging trust root as a whole does not know the public-good log either
        KeylessVerifier.Outcome staged = verify(
                bundle("bundle.v3_1.sigstore"),
                fixture("artifact.txt"),
                SigstoreTrustedRoot.parse(fixture("staging_trusted_root.json")),
                identity(GOOGLE, "appu@google.com"));
        assertThat(staged.reason()).isEqualTo("the transparency log entry is from a log the trust root does not name");
    }

    /**
     * A private Sigstore made in the test with a CT log and a timestamp authority: the refusals the
     * public data has no example of.
     */
    @Test
    void privateSigstoreSctsAndTimestamps() throws IOException {
        PrivateSigstore sigstore = new PrivateSigstore();
        SigstoreTrustedRoot root =
                SigstoreTrustedRoot.parse(sigstore.trustedRootWithCtAndTsa().getBytes(StandardCharsets.UTF_8));
        String issuer = "https://issuer.private.example";
        KeylessIdentity dev = identity(issuer, "release@private.example");
        byte[] artifact = "an artifact".getBytes(StandardCharsets.UTF_8);
        // a certificate with an SCT of the trust root's CT log, logged with a SET: verifies
        NotationSigning.Issued cert = sigstore.certificate(issuer, "release@private.example", sigstore.ct);
        byte[] sig = PrivateSigstore.sign(cert.keys(), artifact);
        ObjectNode bundle = (ObjectNode) JSON.readTree(sigstore.messageBundle(
                artifact, sig, cert.certificate(), sigstore.log(artifact, sig, cert.certificate())));
        KeylessVerifier.Outcome ok = verify(bundle, artifact, root, dev);
        assertThat(ok.verified()).as(ok.reason()).isTrue();
        // without an SCT, while the trust root names a CT log: refused
        NotationSigning.Issued noSct = sigstore.certificate(issuer, "release@private.example");
        byte[] sig2 = PrivateSigstore.sign(noSct.keys(), artifact);
        KeylessVerifier.Outcome missing = verify(
                JSON.readTree(sigstore.messageBundle(
                        artifact, sig2, noSct.certificate(), sigstore.log(artifact, sig2, noSct.certificate()))),
                artifact,
                root,
                dev);
        assertThat(missing.reason())
                .isEqualTo("the signing certificate has no signed certificate timestamp (SCT), and the trust root names"
                        + " CT logs");
        // an SCT claiming the CT log's id, signed by another key
        NotationSigning.Issued forged =
                sigstore.certificate(issuer, "release@private.example", NotationSigning.KeySpec.EC256.generate());
        byte[] sig3 = PrivateSigstore.sign(forged.keys(), artifact);
        KeylessVerifier.Outcome forgedSct = verify(
                JSON.readTree(sigstore.messageBundle(
                        artifact, sig3, forged.certificate(), sigstore.log(artifact, sig3, forged.certificate()))),
                artifact,
                root,
                dev);
        assertThat(forgedSct.reason()).contains("SCT does not verify under the CT log's key");

        // an entry without a SET (only the inclusion proof), timed by the trust root's TSA: verifies
        ObjectNode entry = (ObjectNode)
                bundle.path("verificationMaterial").path("tlogEntries").path(0);
        entry.remove("inclusionPromise");
        entry.remove("integratedTime");
        java.time.Instant now = java.time.Instant.now();
        ObjectNode material = (ObjectNode) bundle.path("verificationMaterial");
        java.util.function.Function<byte[], JsonNode> withTimestamp = ts -> {
            ObjectNode copy = bundle.deepCopy();
            ((ObjectNode) copy.path("verificationMaterial"))
                    .putObject("timestampVerificationData")
                    .putArray("rfc3161Timestamps")
                    .addObject()
                    .put("signedTimestamp", Base64.getEncoder().encodeToString(ts));
            return copy;
        };
        assertThat(material.has("timestampVerificationData")).isFalse();
        KeylessVerifier.Outcome timed =
                verify(withTimestamp.apply(PrivateSigstore.timestamp(sig, sigstore.tsa, now)), artifact, root, dev);
        assertThat(timed.verified()).as(timed.reason()).isTrue();
        // no timestamp at all: the time is not authenticated
        assertThat(verify(bundle, artifact, root, dev).reason()).contains("the signing time is not authenticated");
        // a timestamp over another signature
        assertThat(verify(withTimestamp.apply(PrivateSigstore.timestamp(sig2, sigstore.tsa, now)), artifact, root, dev)
                        .reason())
                .isEqualTo("the RFC 3161 timestamp is for another signature (message imprint)");
        // a timestamp by a TSA the trust root does not name (its own root and certificate)
        NotationSigning.Issued otherRoot = NotationSigning.issue(
                "O=Elsewhere,CN=tsa root",
                NotationSigning.KeySpec.EC256.generate(),
                null,
                true,
                now.minusSeconds(3600),
                now.plusSeconds(3600));
        NotationSigning.Issued otherTsa =
                PrivateSigstore.timestampingCertificate(otherRoot, now.minusSeconds(3600), now.plusSeconds(3600));
        assertThat(verify(withTimestamp.apply(PrivateSigstore.timestamp(sig, otherTsa, now)), artifact, root, dev)
                        .reason())
                .isEqualTo("the RFC 3161 timestamp is not signed by a timestamp authority of the trust root");
        // a genuine timestamp from after the signing certificate expired (it lives ten minutes)
        assertThat(verify(
                                withTimestamp.apply(
                                        PrivateSigstore.timestamp(sig, sigstore.tsa, now.plusSeconds(3600))),
                                artifact,
                                root,
                                dev)
                        .reason())
                .startsWith("the signing certificate expired on");
        // cosign's tag scheme: the Rekor annotation and the dev.sigstore.cosign/rfc3161timestamp one
        List<RekorEntries.TlogEntry> tagEntries =
                RekorEntries.annotationEntries(sigstore.annotation(sigstore.log(artifact, sig, cert.certificate())));
        java.util.function.Function<byte[], KeylessVerifier.Outcome> tagScheme = ts -> KeylessVerifier.verify(
                cert.certificate(),
                sig,
                KeylessVerifier.Signed.message(artifact),
                tagEntries,
                KeylessVerifier.annotationTimestamps(
                        "{\"SignedRFC3161Timestamp\":\"" + Base64.getEncoder().encodeToString(ts) + "\"}"),
                root,
                List.of(dev));
        KeylessVerifier.Outcome tagOk = tagScheme.apply(PrivateSigstore.timestamp(sig, sigstore.tsa, now));
        assertThat(tagOk.verified()).as(tagOk.reason()).isTrue();
        assertThat(tagScheme
                        .apply(PrivateSigstore.timestamp(sig2, sigstore.tsa, now))
                        .reason())
                .isEqualTo("the RFC 3161 timestamp is for another signature (message imprint)");
        assertThat(KeylessVerifier.annotationTimestamps("")).isEmpty();
        assertThat(KeylessVerifier.annotationTimestamps("{}")).hasSize(1); // present but unreadable: refused
        // a timestamp whose bytes were altered
        byte[] altered = PrivateSigstore.timestamp(sig, sigstore.tsa, now);
        altered[altered.length - 10] ^= 1;
        assertThat(verify(withTimestamp.apply(altered), artifact, root, dev).verified())
                .isFalse();
    }

    @Test
    void trustRootsAndIdentitiesAreValidated() {
        assertThatThrownBy(() -> SigstoreTrustedRoot.parse("{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("mediaType");
        assertThatThrownBy(() -> SigstoreTrustedRoot.parse(
                        "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("at least one certificate authority");
        assertThatThrownBy(() -> KeylessIdentity.of(0, "x", GOOGLE, ".*", "a", null))
                .hasMessageContaining("exactly one of issuer and issuer_regex");
        assertThatThrownBy(() -> KeylessIdentity.of(0, "x", GOOGLE, null, null, null))
                .hasMessageContaining("exactly one of subject and subject_regex");
        assertThatThrownBy(() -> KeylessIdentity.of(0, "x", GOOGLE, null, null, "(unclosed"))
                .hasMessageContaining("not a valid regular expression");
        // a catastrophically backtracking pattern gives up instead of spinning
        KeylessIdentity evil = KeylessIdentity.of(0, "x", GOOGLE, null, null, "(a+)+b");
        assertThat(evil.matches(GOOGLE, "a".repeat(1000))).isFalse();
        assertThat(KeylessIdentity.of(0, "x", GOOGLE, null, null, "(a+)+b").matches(GOOGLE, "aaab"))
                .isTrue();
    }

    @Test
    void rfc9162AuditPaths() {
        // a tree of 5 leaves, each leaf's path checked against the root computed directly
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leaves.add(KeylessVerifier.hash(new byte[] {0}, new byte[] {(byte) i}));
        }
        byte[] h01 = node(leaves.get(0), leaves.get(1));
        byte[] h23 = node(leaves.get(2), leaves.get(3));
        byte[] root = node(node(h01, h23), leaves.get(4));
        assertThat(RekorEntries.rootFromPath(0, 5, leaves.get(0), List.of(leaves.get(1), h23, leaves.get(4))))
                .isEqualTo(root);
        assertThat(RekorEntries.rootFromPath(3, 5, leaves.get(3), List.of(leaves.get(2), h01, leaves.get(4))))
                .isEqualTo(root);
        assertThat(RekorEntries.rootFromPath(4, 5, leaves.get(4), List.of(node(h01, h23))))
                .isEqualTo(root);
        assertThat(RekorEntries.rootFromPath(4, 5, leaves.get(3), List.of(node(h01, h23))))
                .isNotEqualTo(root);
        assertThat(RekorEntries.rootFromPath(0, 5, leaves.get(0), List.of(leaves.get(1))))
                .isNull();
        assertThat(Optional.ofNullable(RekorEntries.rootFromPath(4, 5, leaves.get(4), List.of())))
                .isEmpty();
    }

    private static byte[] node(byte[] l, byte[] r) {
        return KeylessVerifier.hash(new byte[] {1}, l, r);
    }
}
