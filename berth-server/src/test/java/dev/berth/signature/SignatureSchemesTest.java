package dev.berth.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signature schemes a trusted key allows, against signatures the real cosign made (fixtures,
 * see {@code src/test/resources/signature/fixtures/README.md}) and signatures made here with the
 * JDK for every key type; and that nothing a signature carries can choose another scheme.
 */
class SignatureSchemesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = SignatureSchemesTest.class.getResourceAsStream("/signature/fixtures/" + path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    private static PublicKeyPem key(String path) throws IOException {
        return PublicKeyPem.parse(new String(fixture(path), StandardCharsets.UTF_8));
    }

    /** containers/image's stored cosign signature: a header line, then the layer as JSON. */
    private static JsonNode containersImageSignature() throws IOException {
        byte[] raw = fixture("containers-image/dir-img-cosign-valid/signature-1");
        int start = new String(raw, StandardCharsets.ISO_8859_1).indexOf('{');
        return JSON.readTree(Arrays.copyOfRange(raw, start, raw.length));
    }

    @Test
    void aSignatureTheRealCosignMadeVerifiesUnderItsKeyOnly() throws IOException {
        JsonNode layer = containersImageSignature();
        byte[] payload = Base64.getDecoder().decode(layer.path("payload").asString());
        byte[] signature = Base64.getDecoder()
                .decode(layer.path("annotations")
                        .path(CosignVerifier.SIGNATURE_ANNOTATION)
                        .asString());
        PublicKeyPem trusted = key("containers-image/cosign.pub");
        assertThat(trusted.type()).isEqualTo(KeyType.ECDSA_P256);

        assertThat(trusted.type().verifies(trusted.key(), payload, signature)).isTrue();
        // the payload names the fixture's manifest, whose digest it is
        Digest manifest = Digest.sha256(fixture("containers-image/dir-img-cosign-valid/manifest.json"));
        assertThat(JSON.readTree(payload)
                        .path("critical")
                        .path("image")
                        .path("docker-manifest-digest")
                        .asString())
                .isEqualTo(manifest.toString());

        byte[] altered = payload.clone();
        altered[altered.length / 2] ^= 1;
        assertThat(trusted.type().verifies(trusted.key(), altered, signature)).isFalse();
        byte[] alteredSignature = signature.clone();
        alteredSignature[alteredSignature.length - 3] ^= 1;
        assertThat(trusted.type().verifies(trusted.key(), payload, alteredSignature))
                .isFalse();
        PublicKeyPem wrong = key("containers-image/cosign2.pub");
        assertThat(wrong.type().verifies(wrong.key(), payload, signature)).isFalse();
    }

    @Test
    void aDsseEnvelopeTheRealCosignSignedVerifiesOverItsPreAuthenticationEncoding() throws IOException {
        JsonNode envelope = JSON.readTree(fixture("cosign/blob-slsa-provenance.dsse.json"));
        byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asString());
        byte[] signature = Base64.getDecoder()
                .decode(envelope.path("signatures").path(0).path("sig").asString());
        PublicKeyPem trusted = key("cosign/verify-blob-attestation.pub");
        byte[] pae = CosignVerifier.pae(envelope.path("payloadType").asString(), payload);

        assertThat(trusted.type().verifies(trusted.key(), pae, signature)).isTrue();
        assertThat(trusted.type().verifies(trusted.key(), payload, signature))
                .as("not over the bare payload")
                .isFalse();
        byte[] altered = payload.clone();
        altered[10] ^= 1;
        assertThat(trusted.type().verifies(trusted.key(), CosignVerifier.pae(IN_TOTO, altered), signature))
                .isFalse();
        PublicKeyPem other = key("containers-image/cosign.pub");
        assertThat(other.type().verifies(other.key(), pae, signature)).isFalse();
    }

    private static final String IN_TOTO = CosignVerifier.IN_TOTO;

    @ParameterizedTest
    @EnumSource(SigningKeys.class)
    void everyKeyTypeVerifiesWhatCosignWouldSignWithIt(SigningKeys type) {
        KeyPair pair = type.generate();
        PublicKeyPem key = PublicKeyPem.parse(SigningKeys.pem(pair));
        byte[] message = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] signature = type.sign(pair, message);

        assertThat(key.type().verifies(key.key(), message, signature)).isTrue();
        byte[] altered = message.clone();
        altered[0] ^= 1;
        assertThat(key.type().verifies(key.key(), altered, signature)).isFalse();
        PublicKeyPem stranger = PublicKeyPem.parse(SigningKeys.pem(type.generate()));
        assertThat(stranger.type().verifies(stranger.key(), message, signature)).isFalse();
        assertThat(key.fingerprint()).startsWith("sha256:").hasSize(71);
    }

    @Test
    void pureEd25519AndSha256OnP384AreAcceptedAsCosignHasUsedThem() {
        byte[] message = "payload".getBytes(StandardCharsets.UTF_8);
        KeyPair ed = SigningKeys.ED25519.generate();
        PublicKeyPem edKey = PublicKeyPem.parse(SigningKeys.pem(ed));
        assertThat(edKey.type().verifies(edKey.key(), message, SigningKeys.sign("Ed25519", ed, message)))
                .isTrue();
        KeyPair p384 = SigningKeys.P384.generate();
        PublicKeyPem p384Key = PublicKeyPem.parse(SigningKeys.pem(p384));
        assertThat(p384Key.type().verifies(p384Key.key(), message, SigningKeys.sign("SHA256withECDSA", p384, message)))
                .isTrue();
    }

    @Test
    void theConfiguredKeysTypeDecidesTheSchemeSoNoOtherAlgorithmVerifies() {
        byte[] message = "payload".getBytes(StandardCharsets.UTF_8);
        KeyPair rsa = SigningKeys.RSA2048.generate();
        byte[] rsaSignature = SigningKeys.RSA2048.sign(rsa, message);
        // An RSA key presented where ECDSA is configured: the ECDSA type refuses the key itself.
        assertThat(KeyType.ECDSA_P256.verifies(rsa.getPublic(), message, rsaSignature))
                .isFalse();
        assertThat(KeyType.ED25519.verifies(rsa.getPublic(), message, rsaSignature))
                .isFalse();
        // An ECDSA key does not verify an RSA or Ed25519 signature.
        KeyPair ec = SigningKeys.P256.generate();
        PublicKeyPem ecKey = PublicKeyPem.parse(SigningKeys.pem(ec));
        assertThat(ecKey.type().verifies(ecKey.key(), message, rsaSignature)).isFalse();
        KeyPair ed = SigningKeys.ED25519.generate();
        assertThat(ecKey.type().verifies(ecKey.key(), message, SigningKeys.ED25519.sign(ed, message)))
                .isFalse();
        // No weaker or other hash: RSA with SHA-1, RSA-PSS, ECDSA P-256 with SHA-1 or SHA-512.
        PublicKeyPem rsaKey = PublicKeyPem.parse(SigningKeys.pem(rsa));
        assertThat(rsaKey.type().verifies(rsaKey.key(), message, SigningKeys.sign("SHA1withRSA", rsa, message)))
                .isFalse();
        assertThat(rsaKey.type().verifies(rsaKey.key(), message, SigningKeys.sign("SHA512withRSA", rsa, message)))
                .isFalse();
        assertThat(ecKey.type().verifies(ecKey.key(), message, SigningKeys.sign("SHA1withECDSA", ec, message)))
                .isFalse();
        assertThat(ecKey.type().verifies(ecKey.key(), message, SigningKeys.sign("SHA512withECDSA", ec, message)))
                .isFalse();
        // Garbage is simply not a signature.
        assertThat(ecKey.type().verifies(ecKey.key(), message, new byte[] {0x30, 0x02, 0x01}))
                .isFalse();
        assertThat(ecKey.type().verifies(ecKey.key(), message, new byte[0])).isFalse();
    }

    @Test
    void keysBerthDoesNotTrustAreRefusedWithAReason() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        assertThatThrownBy(() -> PublicKeyPem.parse(SigningKeys.pem(ec.generateKeyPair())))
                .hasMessageContaining("P-256 or P-384");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThatThrownBy(() -> PublicKeyPem.parse(SigningKeys.pem(rsa.generateKeyPair())))
                .hasMessageContaining("2048");
        assertThatThrownBy(() -> PublicKeyPem.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .hasMessageContaining("not an ECDSA");
        assertThatThrownBy(() -> PublicKeyPem.parse("not a key")).hasMessageContaining("PEM");
        String pem = SigningKeys.pem(SigningKeys.P256.generate());
        assertThatThrownBy(() -> PublicKeyPem.parse(pem + pem)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> PublicKeyPem.parse("x".repeat(PublicKeyPem.MAX_PEM + 1)))
                .hasMessageContaining("longer");
    }
}
