package dev.berth.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.registry.RegistryContent;
import dev.berth.signature.NotationSigning.Chain;
import dev.berth.signature.NotationSigning.Claims;
import dev.berth.signature.NotationSigning.KeySpec;
import dev.berth.storage.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notation signature verification as the Notary Project specifies it, without a server: signatures
 * the real notation made (notation-go's test data, see the fixtures README), signatures made here
 * for every key spec in both envelope formats, and the ways a signature must fail — one byte
 * changed, an untrusted certificate or identity, an expired certificate or signature, another
 * digest, algorithm confusion, unknown critical headers, huge or deeply nested envelopes.
 */
class NotationVerificationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String ALPINE = "x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=alpine";

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = NotationVerificationTest.class.getResourceAsStream("/signature/fixtures/" + path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    private static RegistryContent.Manifest artifact(String mediaType, byte[] bytes) {
        return new RegistryContent.Manifest(Digest.sha256(bytes), mediaType, bytes);
    }

    private static RegistryContent.Manifest fixtureArtifact() throws IOException {
        return artifact(OCI_MANIFEST, fixture("notation/manifest.json"));
    }

    /** The certificate a real JWS fixture carries, as the PEM of a trust store (notation-go's tests do so). */
    private static String fixtureCertificate(String path) throws IOException {
        JsonNode jws = JSON.readTree(fixture(path));
        byte[] der = Base64.getDecoder()
                .decode(jws.path("header").path("x5c").path(0).asString());
        return NotationSigning.pem(NotationEnvelope.certificate(der));
    }

    private static NotaryTrustPolicy.Entry entry(String level, Map<String, String> override, List<String> identities) {
        return new NotaryTrustPolicy.Entry(
                "release",
                List.of("*"),
                new NotaryTrustPolicy.Verification(level, override),
                List.of("ca:release"),
                identities);
    }

    private static Map<String, NotationTrustStore> store(String pem) {
        return Map.of("ca:release", NotationTrustStore.parse("ca", "release", pem));
    }

    private static Verdict judge(
            NotaryTrustPolicy.Entry entry,
            Map<String, NotationTrustStore> stores,
            String type,
            byte[] envelope,
            RegistryContent.Manifest artifact) {
        return NotationVerifier.judge(entry, stores, type, envelope, artifact, NOW, "sha256:sig");
    }

    @Test
    void jwsAndCoseSignaturesTheRealNotationMadeVerifyUnderTheirTrustStoreAndIdentity() throws IOException {
        Map<String, NotationTrustStore> stores = store(fixtureCertificate("notation/jws_signature.sig"));
        for (String[] f : List.of(
                new String[] {NotationEnvelope.JWS, "notation/jws_signature.sig"},
                new String[] {NotationEnvelope.COSE, "notation/cose_signature.sig"})) {
            for (List<String> identities : List.of(List.of("*"), List.of(ALPINE))) {
                Verdict v = judge(entry("strict", null, identities), stores, f[0], fixture(f[1]), fixtureArtifact());
                assertThat(v.verified()).as(f[1] + " " + v.reason()).isTrue();
                assertThat(v.keyName()).contains("ca:release");
                assertThat(v.reason()).startsWith("signed by \"CN=alpine,O=Notary,L=Seattle,ST=WA,C=US\"");
            }
            // the identity is a subset match of the subject's attributes: another CN is not trusted
            Verdict other = judge(
                    entry("strict", null, List.of("x509.subject: C=US, ST=WA, O=Notary, CN=release")),
                    stores,
                    f[0],
                    fixture(f[1]),
                    fixtureArtifact());
            assertThat(other.verified()).isFalse();
            assertThat(other.reason()).contains("is not a trusted identity of the Notary trust policy release");
            // even a permissive or audit level does not make an untrusted signer trusted in Berth
            for (String level : List.of("strict", "permissive", "audit")) {
                Verdict untrusted = judge(
                        entry(level, null, List.of("*")),
                        store(NotationSigning.chain("C=US,ST=WA,O=Other,CN=x", KeySpec.EC256, NOW, NOW.plusSeconds(9))
                                .rootPem()),
                        f[0],
                        fixture(f[1]),
                        fixtureArtifact());
                assertThat(untrusted.verified()).isFalse();
                assertThat(untrusted.reason())
                        .startsWith("no certificate of the signature's chain is in a ca trust store");
            }
        }
    }

    @Test
    void oneByteChangedInARealSignatureIsRefused() throws IOException {
        Map<String, NotationTrustStore> stores = store(fixtureCertificate("notation/jws_signature.sig"));
        NotaryTrustPolicy.Entry entry = entry("strict", null, List.of("*"));
        // JWS: one character of the payload (base64url) changed
        String jws = new String(fixture("notation/jws_signature.sig"), StandardCharsets.UTF_8);
        int at = jws.indexOf("\"payload\":\"") + 40;
        String altered = jws.substring(0, at) + (jws.charAt(at) == 'A' ? 'B' : 'A') + jws.substring(at + 1);
        Verdict v =
                judge(entry, stores, NotationEnvelope.JWS, altered.getBytes(StandardCharsets.UTF_8), fixtureArtifact());
        assertThat(v.verified()).isFalse();
        assertThat(v.reason()).contains("does not verify under its signing certificate");
        // COSE: one byte of the signature changed, and one byte of the payload
        byte[] cose = fixture("notation/cose_signature.sig");
        byte[] sig = cose.clone();
        sig[sig.length - 5] ^= 1;
        assertThat(judge(entry, stores, NotationEnvelope.COSE, sig, fixtureArtifact())
                        .reason())
                .contains("does not verify under its signing certificate");
        byte[] payload = cose.clone();
        int p = new String(cose, StandardCharsets.ISO_8859_1).indexOf("targetArtifact") + 30;
        payload[p] ^= 1;
        Verdict v2 = judge(entry, stores, NotationEnvelope.COSE, payload, fixtureArtifact());
        assertThat(v2.verified()).isFalse();
        assertThat(v2.reason()).contains("does not verify");
    }

    @Test
    void aRealSignatureForAnotherDigestIsRefused() throws IOException {
        Map<String, NotationTrustStore> stores = store(fixtureCertificate("notation/jws_signature.sig"));
        byte[] other = fixture("notation/manifest.json").clone();
        other[other.length - 2] = ' ';
        Verdict v = judge(
                entry("strict", null, List.of("*")),
                stores,
                NotationEnvelope.JWS,
                fixture("notation/jws_signature.sig"),
                artifact(OCI_MANIFEST, other));
        assertThat(v.verified()).isFalse();
        assertThat(v.reason())
                .isEqualTo("the signature is for "
                        + "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0, not this artifact");
    }

    @Test
    void aRealSignatureWhoseCertificateExpiredIsRefusedUnlessThePolicyOnlyLogsIt() throws IOException {
        String path = "notation/jwsExpiredWithTimestamp.sig";
        Map<String, NotationTrustStore> stores = store(fixtureCertificate(path));
        // the descriptor the fixture's payload names (its manifest is not published with it)
        RegistryContent.Manifest named = new RegistryContent.Manifest(
                Digest.parse("sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda")
                        .orElseThrow(),
                "application/vnd.docker.distribution.manifest.v2+json",
                new byte[528]);
        Verdict strict = judge(entry("strict", null, List.of("*")), stores, NotationEnvelope.JWS, fixture(path), named);
        assertThat(strict.verified()).isFalse();
        assertThat(strict.reason())
                .isEqualTo(
                        "the signing certificate expired on 2024-06-18T07:30:31Z (and there is no authentic timestamp)");
        Verdict permissive =
                judge(entry("permissive", null, List.of("*")), stores, NotationEnvelope.JWS, fixture(path), named);
        assertThat(permissive.verified()).as(permissive.reason()).isTrue();
        assertThat(permissive.reason())
                .endsWith("logged, not enforced: the signing certificate expired on 2024-06-18T07:30:31Z");
        Verdict overridden = judge(
                entry("strict", Map.of("authenticTimestamp", "skip"), List.of("*")),
                stores,
                NotationEnvelope.JWS,
                fixture(path),
                named);
        assertThat(overridden.verified()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void signaturesOfEveryKeySpecVerifyInBothEnvelopesThroughACertificateChain(KeySpec spec) {
        Chain chain = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=release", spec, NOW.minusSeconds(3600), NOW.plusSeconds(86400));
        byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        RegistryContent.Manifest artifact = artifact(OCI_MANIFEST, manifest);
        byte[] payload = NotationSigning.payload(OCI_MANIFEST, artifact.digest(), manifest.length);
        Claims claims = Claims.now(NOW.minusSeconds(60));
        NotaryTrustPolicy.Entry entry = entry("strict", null, List.of("x509.subject: C=US, ST=WA, O=Berth"));
        Map<String, NotationTrustStore> stores = store(chain.rootPem());
        byte[] jws =
                NotationSigning.jws(payload, chain.certificates(), chain.leaf().keys(), spec.algorithm(), claims);
        byte[] cose =
                NotationSigning.cose(payload, chain.certificates(), chain.leaf().keys(), spec.algorithm(), claims);
        for (Object[] e :
                List.of(new Object[] {NotationEnvelope.JWS, jws}, new Object[] {NotationEnvelope.COSE, cose})) {
            Verdict v = judge(entry, stores, (String) e[0], (byte[]) e[1], artifact);
            assertThat(v.verified()).as(e[0] + " " + v.reason()).isTrue();
            assertThat(NotationEnvelope.parse((String) e[0], (byte[]) e[1]).algorithm())
                    .isEqualTo(spec.algorithm());
        }
        // a trust store holding the intermediate CA works too
        Map<String, NotationTrustStore> intermediate =
                store(NotationSigning.pem(chain.intermediate().certificate()));
        assertThat(judge(entry, intermediate, NotationEnvelope.COSE, cose, artifact)
                        .verified())
                .isTrue();
    }

    @Test
    void theAlgorithmComesFromTheCertificatesKeyNeverFromTheEnvelope() {
        Chain rsa = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=rsa", KeySpec.RSA2048, NOW.minusSeconds(60), NOW.plusSeconds(60));
        Chain ec = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=ec", KeySpec.EC256, NOW.minusSeconds(60), NOW.plusSeconds(60));
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        RegistryContent.Manifest artifact = artifact(OCI_MANIFEST, manifest);
        byte[] payload = NotationSigning.payload(OCI_MANIFEST, artifact.digest(), manifest.length);
        Claims claims = Claims.now(NOW.minusSeconds(30));
        NotaryTrustPolicy.Entry entry = entry("strict", null, List.of("*"));
        // a 2048-bit RSA key signing with PS384 (a valid PSS signature, but not the key's algorithm)
        byte[] weaker =
                NotationSigning.jws(payload, rsa.certificates(), rsa.leaf().keys(), NotationAlgorithm.PS384, claims);
        assertThat(judge(entry, store(rsa.rootPem()), NotationEnvelope.JWS, weaker, artifact)
                        .reason())
                .isEqualTo("the envelope's algorithm PS384 does not match the signing key, which signs with PS256");
        // an RSA signature presented with an EC certificate's chain
        byte[] confused =
                NotationSigning.cose(payload, ec.certificates(), rsa.leaf().keys(), NotationAlgorithm.PS256, claims);
        assertThat(judge(entry, store(ec.rootPem()), NotationEnvelope.COSE, confused, artifact)
                        .reason())
                .isEqualTo("the envelope's algorithm -37 does not match the signing key, which signs with ES256");
        // an EC signature by a key that is not the certificate's
        byte[] forged = NotationSigning.cose(
                payload, ec.certificates(), KeySpec.EC256.generate(), NotationAlgorithm.ES256, claims);
        assertThat(judge(entry, store(ec.rootPem()), NotationEnvelope.COSE, forged, artifact)
                        .reason())
                .contains("does not verify under its signing certificate");
    }

    @Test
    void expiryBrokenChainsAndUnknownCriticalHeadersAreRefused() {
        Chain chain = NotationSigning.chain(
                "C=US,ST=WA,O=Berth,CN=x", KeySpec.EC256, NOW.minusSeconds(600), NOW.plusSeconds(600));
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        RegistryContent.Manifest artifact = artifact(OCI_MANIFEST, manifest);
        byte[] payload = NotationSigning.payload(OCI_MANIFEST, artifact.digest(), manifest.length);
        Map<String, NotationTrustStore> stores = store(chain.rootPem());
        Claims expired = new Claims(NotationEnvelope.SCHEME_X509, NOW.minusSeconds(300), NOW.minusSeconds(1));
        for (boolean cose : List.of(false, true)) {
            byte[] env = cose
                    ? NotationSigning.cose(
                            payload, chain.certificates(), chain.leaf().keys(), NotationAlgorithm.ES256, expired)
                    : NotationSigning.jws(
                            payload, chain.certificates(), chain.leaf().keys(), NotationAlgorithm.ES256, expired);
            String type = cose ? NotationEnvelope.COSE : NotationEnvelope.JWS;
            assertThat(judge(entry("strict", null, List.of("*")), stores, type, env, artifact)
                            .reason())
                    .startsWith("the signature expired on ");
            assertThat(judge(entry("strict", Map.of("expiry", "log"), List.of("*")), stores, type, env, artifact)
                            .verified())
                    .isTrue();
        }
        // a chain without its intermediate; a signing time outside the certificate's validity
        Claims ok = Claims.now(NOW.minusSeconds(60));
        byte[] gap = NotationSigning.cose(
                payload,
                List.of(chain.leaf().certificate(), chain.root().certificate()),
                chain.leaf().keys(),
                NotationAlgorithm.ES256,
                ok);
        assertThat(judge(entry("strict", null, List.of("*")), stores, NotationEnvelope.COSE, gap, artifact)
                        .reason())
                .isEqualTo("certificate 1 of the chain is not issued by the next one");
        byte[] early = NotationSigning.cose(
                payload,
                chain.certificates(),
                chain.leaf().keys(),
                NotationAlgorithm.ES256,
                Claims.now(NOW.minusSeconds(3600)));
        assertThat(judge(entry("strict", null, List.of("*")), stores, NotationEnvelope.COSE, early, artifact)
                        .reason())
                .contains("the signing certificate is not valid before");
        // a CA certificate presented as the signer
        byte[] byCa = NotationSigning.cose(
                payload,
                List.of(chain.intermediate().certificate(), chain.root().certificate()),
                chain.intermediate().keys(),
                NotationAlgorithm.ES256,
                ok);
        assertThat(judge(entry("strict", null, List.of("*")), stores, NotationEnvelope.COSE, byCa, artifact)
                        .reason())
                .isEqualTo("the signing certificate is a CA certificate");
        // a critical header the specification does not define
        Map<Object, Object> header = new java.util.LinkedHashMap<>();
        header.put(1L, -7L);
        header.put(2L, List.of(NotationEnvelope.SIGNING_SCHEME, "x-unknown"));
        header.put(3L, NotationSigning.CTY);
        header.put(NotationEnvelope.SIGNING_SCHEME, NotationEnvelope.SCHEME_X509);
        header.put(
                NotationEnvelope.SIGNING_TIME,
                new NotationSigning.Tagged(1, NOW.minusSeconds(60).getEpochSecond()));
        header.put("x-unknown", "1");
        byte[] unknown = NotationSigning.cose(
                NotationSigning.cbor(header),
                payload,
                chain.certificates(),
                chain.leaf().keys(),
                NotationAlgorithm.ES256);
        assertThat(judge(entry("strict", null, List.of("*")), stores, NotationEnvelope.COSE, unknown, artifact)
                        .reason())
                .isEqualTo("the envelope has a critical header Berth does not know: x-unknown");
    }

    @Test
    void hugeAndDeeplyNestedEnvelopesAreRefusedWithinBoundedMemory() {
        NotaryTrustPolicy.Entry entry = entry("strict", null, List.of("*"));
        Map<String, NotationTrustStore> stores =
                store(NotationSigning.chain("C=US,ST=WA,O=B,CN=x", KeySpec.EC256, NOW, NOW.plusSeconds(1))
                        .rootPem());
        RegistryContent.Manifest artifact = artifact(OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
        // 60000 nested CBOR arrays, and as many nested JSON arrays
        byte[] deepCbor = new byte[60_000];
        java.util.Arrays.fill(deepCbor, (byte) 0x81);
        assertThat(judge(entry, stores, NotationEnvelope.COSE, deepCbor, artifact)
                        .reason())
                .isEqualTo("the COSE envelope is not valid CBOR");
        String deepJson = "[".repeat(60_000);
        assertThat(judge(entry, stores, NotationEnvelope.JWS, deepJson.getBytes(StandardCharsets.UTF_8), artifact)
                        .reason())
                .isEqualTo("the JWS envelope is not valid JSON");
        // a byte string claiming 2^62 bytes in a 20-byte envelope
        ByteArrayOutputStream lying = new ByteArrayOutputStream();
        lying.write(0x84);
        NotationSigning.head(lying, 2, 1L << 62);
        lying.writeBytes(new byte[16]);
        assertThat(judge(entry, stores, NotationEnvelope.COSE, lying.toByteArray(), artifact)
                        .reason())
                .isEqualTo("the COSE envelope is not valid CBOR");
        // more than the cap
        assertThat(judge(entry, stores, NotationEnvelope.JWS, new byte[NotationEnvelope.MAX_ENVELOPE + 1], artifact)
                        .reason())
                .isEqualTo("the signature envelope is larger than 65536 bytes");
        // a chain longer than ten certificates
        Chain chain =
                NotationSigning.chain("C=US,ST=WA,O=B,CN=x", KeySpec.EC256, NOW.minusSeconds(9), NOW.plusSeconds(9));
        List<X509Certificate> many =
                java.util.Collections.nCopies(11, chain.leaf().certificate());
        byte[] payload = NotationSigning.payload(OCI_MANIFEST, artifact.digest(), 2);
        byte[] longChain =
                NotationSigning.cose(payload, many, chain.leaf().keys(), NotationAlgorithm.ES256, Claims.now(NOW));
        assertThat(judge(entry, stores, NotationEnvelope.COSE, longChain, artifact)
                        .reason())
                .isEqualTo("the envelope's certificate chain is longer than 10");
    }

    @Test
    void trustPolicyDocumentsAreValidatedAsTheSpecificationSays() {
        String ok = """
                {"version":"1.0","trustPolicies":[
                  {"name":"app","registryScopes":["lib/app"],"signatureVerification":{"level":"strict"},
                   "trustStores":["ca:release"],"trustedIdentities":["x509.subject: C=US, ST=WA, O=Berth"]},
                  {"name":"rest","registryScopes":["*"],"signatureVerification":{"level":"permissive","override":{"expiry":"log"}},
                   "trustStores":["ca:release","signingAuthority:sa"],"trustedIdentities":["*"]}]}""";
        NotaryTrustPolicy document = NotaryTrustPolicy.parse(ok);
        document.validate("lib");
        assertThat(document.forRepository("lib/app").orElseThrow().name()).isEqualTo("app");
        assertThat(document.forRepository("lib/other").orElseThrow().name()).isEqualTo("rest");
        assertThat(NotaryTrustPolicy.parse(document.json())).isEqualTo(document);
        assertThatThrownBy(() -> document.validate("other"))
                .hasMessageContaining("registry scope lib/app is not a repository of project other");

        Map<String, String> bad = Map.of(
                "\"version\":\"2.0\"", "version must be \"1.0\"",
                "\"level\":\"strict\"},\"trustStores\":[\"ca:release\"],\"trustedIdentities\":[\"x509.subject: CN=x\"]",
                        "must name at least C, ST and O",
                "\"level\":\"strict\",\"override\":{\"integrity\":\"log\"}}", "integrity cannot be overridden",
                "\"level\":\"loose\"}", "level must be strict, permissive, audit or skip",
                "\"trustStores\":[\"tsa:x\"]", "is not ca:<name> or signingAuthority:<name>",
                "\"registryScopes\":[\"*\",\"lib/app\"]", "the wildcard scope '*' must stand alone");
        String base = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
                + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:release\"],"
                + "\"trustedIdentities\":[\"*\"]}]}";
        bad.forEach((change, message) -> {
            String doc = change.startsWith("\"version\"")
                    ? base.replace("\"version\":\"1.0\"", change)
                    : change.startsWith("\"level\"")
                            ? base.replace(
                                    change.contains("trustStores")
                                            ? "\"level\":\"strict\"},\"trustStores\":[\"ca:release\"],\"trustedIdentities\":[\"*\"]"
                                            : "\"level\":\"strict\"}",
                                    change)
                            : change.startsWith("\"trustStores\"")
                                    ? base.replace("\"trustStores\":[\"ca:release\"]", change)
                                    : base.replace("\"registryScopes\":[\"*\"]", change);
            assertThatThrownBy(() -> NotaryTrustPolicy.parse(doc).validate("lib"))
                    .as(doc)
                    .hasMessageContaining(message);
        });
        assertThatThrownBy(() -> NotaryTrustPolicy.parse(base.replace("\"version\"", "\"surprise\":1,\"version\"")))
                .hasMessageContaining("not a Notary trust policy");
    }
}
