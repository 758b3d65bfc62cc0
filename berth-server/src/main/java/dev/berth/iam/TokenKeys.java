package dev.berth.iam;

import com.nimbusds.jose.jwk.RSAKey;
import dev.berth.config.BerthProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The RSA key that signs registry tokens: read from {@code berth.token.private-key-file} if set
 * (PKCS#8 or PKCS#1 PEM),
 * otherwise from {@code <data-dir>/keys/token.pem}, generated there on first start. Replicas that
 * do not share a data directory must be given the same key file.
 */
@Component
public class TokenKeys {
    private static final Logger log = LoggerFactory.getLogger(TokenKeys.class);

    private final RSAKey key;

    TokenKeys(BerthProperties properties, @Value("${berth.token.private-key-file:}") String configured)
            throws Exception {
        Path file = configured.isBlank() ? properties.dataDir().resolve("keys/token.pem") : Path.of(configured);
        if (!Files.exists(file)) {
            if (!configured.isBlank()) {
                throw new IllegalStateException("token key file " + file + " does not exist");
            }
            generate(file);
        }
        RSAPrivateCrtKey privateKey = read(file);
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        this.key = new RSAKey.Builder(publicKey)
                .privateKey(privateKey)
                .keyIDFromThumbprint()
                .build();
    }

    public RSAKey key() {
        return key;
    }

    private static void generate(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pem);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX filesystem
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // another replica on the same volume won the race; use its key
            Files.deleteIfExists(tmp);
        }
        log.info("event=token_key_generated file={}", file);
    }

    private static RSAPrivateCrtKey read(Path file) throws Exception {
        String text = Files.readString(file);
        boolean pkcs1 = text.contains("-----BEGIN RSA PRIVATE KEY-----");
        byte[] der = Base64.getDecoder()
                .decode(text.replaceAll("-----(BEGIN|END) (RSA )?PRIVATE KEY-----", "")
                        .replaceAll("\\s", ""));
        return (RSAPrivateCrtKey)
                KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
    }

    /**
     * Wraps a PKCS#1 RSAPrivateKey ("BEGIN RSA PRIVATE KEY", what openssl's -traditional output
     * and Helm's genPrivateKey write) in the PKCS#8 PrivateKeyInfo the JDK reads: version 0, the
     * rsaEncryption algorithm with NULL parameters, and the key as an OCTET STRING.
     */
    static byte[] pkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaEncryption = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] key = der(0x04, pkcs1);
        byte[] body = new byte[version.length + rsaEncryption.length + key.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(rsaEncryption, 0, body, version.length, rsaEncryption.length);
        System.arraycopy(key, 0, body, version.length + rsaEncryption.length, key.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int length = content.length;
        int lengthBytes = length < 0x80 ? 0 : (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        byte[] out = new byte[2 + lengthBytes + length];
        out[0] = (byte) tag;
        if (lengthBytes == 0) {
            out[1] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | lengthBytes);
            for (int i = 0; i < lengthBytes; i++) {
                out[2 + i] = (byte) (length >>> (8 * (lengthBytes - 1 - i)));
            }
        }
        System.arraycopy(content, 0, out, 2 + lengthBytes, length);
        return out;
    }
}
