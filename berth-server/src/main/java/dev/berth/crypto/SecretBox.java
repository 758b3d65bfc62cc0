package dev.berth.crypto;

import dev.berth.config.BerthProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts the secrets Berth must keep to use them later (webhook auth headers and signing secrets,
 * registry credentials, identity-provider client secrets): AES-256-GCM under a key from
 * {@code berth.secret-key-file} (env {@code BERTH_SECRET_KEY_FILE}), or {@code
 * <data-dir>/keys/secret.key}, generated there on first start. Replicas that do not share a data
 * directory must be given the same key file (the Helm chart mounts one from a Secret).
 *
 * <p><b>Rotation.</b> The key file holds one key per line (32 bytes, base64 or hex): the first encrypts, every line
 * decrypts. To rotate, put a new key on the first line, keep the old ones below, and restart the
 * replicas; secrets written from then on use the new key, and {@link #isCurrent} tells which stored
 * values still use an old one.
 *
 * <p>Each value is bound to a context (e.g. {@code webhook_policy:12:auth_header}) as associated
 * data, so a value copied into another row or field does not decrypt there.
 */
@Component
public class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String PREFIX = "sealed:v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> keys;
    private final String currentId;
    private final Path file;

    @Autowired
    SecretBox(BerthProperties properties, @Value("${berth.secret-key-file:}") String configured) {
        Path file = configured.isBlank() ? properties.dataDir().resolve("keys/secret.key") : Path.of(configured);
        if (!Files.exists(file)) {
            if (!configured.isBlank()) {
                throw new IllegalStateException("secret key file " + file + " does not exist");
            }
            generate(file);
        }
        this.keys = read(file);
        this.currentId = keys.keySet().iterator().next();
        this.file = file;
    }

    private SecretBox(Map<String, SecretKeySpec> keys) {
        this.keys = keys;
        this.currentId = keys.keySet().iterator().next();
        this.file = null;
    }

    /** A box over the given keys, the first encrypting; for tools and tests. */
    static SecretBox of(List<byte[]> rawKeys) {
        Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
        rawKeys.forEach(k -> byId.put(id(k), new SecretKeySpec(k, "AES")));
        return new SecretBox(byId);
    }

    /** The sealed form of {@code plaintext}, to store; never null. */
    public String seal(String plaintext, String context) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + currentId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /**
     * The plaintext of a value {@link #seal} made for the same context.
     *
     * @throws SecretUnreadableException when the value was sealed with a key this replica does not
     *     have, for another context, or was altered
     */
    public String open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 4);
        if (parts.length != 4 || !sealed.startsWith(PREFIX)) {
            throw new SecretUnreadableException("not a sealed value");
        }
        SecretKeySpec key = keys.get(parts[2]);
        if (key == null) {
            throw new SecretUnreadableException("sealed with key " + parts[2] + ", which the key file does not hold");
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[3]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SecretUnreadableException("sealed value does not open for " + context);
        }
    }

    /** Whether a stored value uses the current (first) key; false ones are due for sealing again. */
    public boolean isCurrent(String sealed) {
        return sealed != null && sealed.startsWith(PREFIX + currentId + ":");
    }

    /** Where a backup keeps the key file, relative to its directory. */
    public static final String BACKUP_FILE = "keys/secret.key";

    /**
     * Copies the key file into a backup (owner-only): without it, the secrets in the backup's rows
     * cannot be read by the instance it is restored into.
     */
    public void exportTo(Path backupDir) throws IOException {
        Path target = backupDir.resolve(BACKUP_FILE);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(
                target.getParent(),
                "secret",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.copy(file, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                tmp,
                target,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes a backup's keys this instance's (restore): they go first in the key file, so the
     * restored secrets are read and later ones sealed with the same key, and this instance's own
     * keys stay below them. Read at the next start. Nothing happens when the backup holds no key file.
     */
    public void importFrom(Path backupDir) throws IOException {
        Path restored = backupDir.resolve(BACKUP_FILE);
        if (!Files.exists(restored)) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(restored, StandardCharsets.US_ASCII)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                lines.add(line.trim());
            }
        }
        read(restored); // refuses a damaged file before anything is replaced
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank() && !line.startsWith("#") && !lines.contains(line.trim())) {
                lines.add(line.trim());
            }
        }
        Path tmp = Files.createTempFile(
                file.getParent(),
                "secret",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, lines, StandardCharsets.US_ASCII);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String id(byte[] key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key))
                    .substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, SecretKeySpec> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret key file " + file, e);
        }
        Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] key = decode(line);
            if (key.length != KEY_BYTES) {
                bad.add(i + 1);
                continue;
            }
            byId.putIfAbsent(id(key), new SecretKeySpec(key, "AES"));
        }
        if (!bad.isEmpty() || byId.isEmpty()) {
            throw new IllegalStateException("secret key file " + file + " must hold keys of " + KEY_BYTES
                    + " bytes (base64 or hex), one per line" + (bad.isEmpty() ? "" : "; lines " + bad + " do not"));
        }
        return byId;
    }

    /** A key line: base64, or hex (what the Helm chart derives from Harbor's {@code secretKey}). */
    private static byte[] decode(String line) {
        try {
            return line.length() == 2 * KEY_BYTES && line.matches("[0-9a-fA-F]+")
                    ? HexFormat.of().parseHex(line)
                    : Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private void generate(Path file) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        try {
            Files.createDirectories(file.getParent());
            Path written = Files.createTempFile(
                    file.getParent(),
                    "secret",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(written, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
                // A link appears whole or not at all, and never replaces a key another replica made.
                Files.createLink(file, written);
                log.info("event=secret_key_generated file={}", file);
            } catch (FileAlreadyExistsException e) {
                // another replica on the same data directory generated it first: use theirs
            } finally {
                Files.deleteIfExists(written);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret key file " + file, e);
        }
    }
}
