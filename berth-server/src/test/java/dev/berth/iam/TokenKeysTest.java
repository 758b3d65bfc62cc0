package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token key given as a file, as the Helm chart mounts it from a Secret for every replica: the
 * PKCS#8 PEM Berth writes itself and the PKCS#1 PEM ("BEGIN RSA PRIVATE KEY") that Helm's
 * genPrivateKey and openssl's -traditional output produce both load as the same key.
 */
class TokenKeysTest {
    @TempDir
    Path dir;

    @Test
    void pkcs1AndPkcs8FilesOfOneKeyLoadAsThatKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] pkcs1 = innerOctetString(pkcs8);

        Path p8 = dir.resolve("p8.pem");
        Files.writeString(p8, pem("PRIVATE KEY", pkcs8));
        Path p1 = dir.resolve("p1.pem");
        Files.writeString(p1, pem("RSA PRIVATE KEY", pkcs1));

        RSAPublicKey expected = (RSAPublicKey) pair.getPublic();
        for (Path file : new Path[] {p8, p1}) {
            TokenKeys keys = new TokenKeys(null, file.toString());
            assertThat(keys.key().toRSAPublicKey().getModulus()).isEqualTo(expected.getModulus());
            assertThat(keys.key().toRSAPrivateKey().getEncoded()).isEqualTo(pkcs8);
        }
        assertThat(TokenKeys.pkcs8(pkcs1)).isEqualTo(pkcs8);
    }

    @Test
    void aConfiguredKeyFileThatIsMissingStopsStartUp() {
        Path missing = dir.resolve("absent.pem");
        assertThatThrownBy(() -> new TokenKeys(null, missing.toString())).hasMessageContaining("does not exist");
        assertThat(missing).doesNotExist();
    }

    /** The PKCS#1 key inside a PKCS#8 PrivateKeyInfo: the content of its last OCTET STRING. */
    private static byte[] innerOctetString(byte[] pkcs8) {
        int i = 2 + lengthOfLength(pkcs8[1]); // outer SEQUENCE header
        i += 3; // INTEGER 0
        i += 2 + pkcs8[i + 1]; // AlgorithmIdentifier SEQUENCE
        assertThat(pkcs8[i]).isEqualTo((byte) 0x04);
        int ll = lengthOfLength(pkcs8[i + 1]);
        int start = i + 2 + ll;
        return Arrays.copyOfRange(pkcs8, start, pkcs8.length);
    }

    private static int lengthOfLength(byte b) {
        return (b & 0x80) == 0 ? 0 : b & 0x7f;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
