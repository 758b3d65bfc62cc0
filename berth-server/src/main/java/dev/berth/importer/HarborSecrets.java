package dev.berth.importer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Values Harbor keeps reversibly encrypted (a registry endpoint's {@code access_secret}), read with
 * Harbor's key — the {@code secretkey} file of its core, 16, 24 or 32 characters. Harbor's format
 * ({@code src/common/utils/encrypt.go}): {@code <enc-v1>} and the base64 of a 16-byte IV followed
 * by the value under AES in CFB mode with that key; a value without the prefix is plain base64.
 */
final class HarborSecrets {
    static final String HEADER = "<enc-v1>";

    private final Optional<byte[]> key;

    HarborSecrets(Optional<String> key) {
        this.key = key.map(String::strip).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8));
        this.key.ifPresent(k -> {
            if (k.length != 16 && k.length != 24 && k.length != 32) {
                throw new IllegalArgumentException(
                        "Harbor's secret key must be 16, 24 or 32 characters (its core's secretkey file), not "
                                + k.length);
            }
        });
    }

    boolean hasKey() {
        return key.isPresent();
    }

    /**
     * The plain value of a registry endpoint's {@code access_secret} (Harbor's {@code
     * ReversibleDecrypt}: without the header, plain base64); empty when it is encrypted and no key
     * was given.
     *
     * @throws IllegalArgumentException when the value cannot be read with the key (another key)
     */
    Optional<String> decrypt(String stored) {
        if (stored != null && !stored.isEmpty() && !stored.startsWith(HEADER)) {
            try {
                return Optional.of(new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is neither encrypted nor base64 as Harbor stores it");
            }
        }
        return decryptSecret(stored);
    }

    /**
     * The plain value of a secret Harbor stores with its {@code config.EncryptSecret} (a preheat
     * instance's {@code auth_data} from Harbor 2.14): without the header it is the plain value, as
     * Harbor wrote it before it encrypted them; empty when it is encrypted and no key was given.
     *
     * @throws IllegalArgumentException when the value cannot be read with the key (another key)
     */
    Optional<String> decryptSecret(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Optional.of("");
        }
        if (!stored.startsWith(HEADER)) {
            return Optional.of(stored);
        }
        if (key.isEmpty()) {
            return Optional.empty();
        }
        byte[] sealed = Base64.getDecoder().decode(stored.substring(HEADER.length()));
        if (sealed.length < 16) {
            throw new IllegalArgumentException("too short for Harbor's format");
        }
        try {
            Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
            aes.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key.get(), "AES"),
                    new IvParameterSpec(Arrays.copyOfRange(sealed, 0, 16)));
            byte[] plain = aes.doFinal(sealed, 16, sealed.length - 16);
            String value = new String(plain, StandardCharsets.UTF_8);
            // CFB has no integrity check: another key gives bytes, mostly not printable text.
            if (value.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0xFFFD)) {
                throw new IllegalArgumentException("not readable with this key (is it Harbor's secretkey?)");
            }
            return Optional.of(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot be decrypted: " + e.getMessage(), e);
        }
    }
}
