package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Harbor's password hashes, carried over by {@code import-harbor}: PBKDF2 (4096 rounds, 16 bytes,
 * hex) with the user's salt. The expected values were computed independently (Python's
 * {@code hashlib.pbkdf2_hmac}), not with the code under test.
 */
class HarborPasswordHashTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void harborsSha256AndSha1HashesVerifyTheirPasswordsOnly() {
        String sha256 = PasswordHasher.importedHarborHash(
                        "sha256", "f1e2d3c4b5a69788", "19fc748d1c4bed1e604ec29b939a5de2")
                .orElseThrow();
        assertThat(hasher.matches("Harbor12345", sha256)).isTrue();
        assertThat(hasher.matches("Harbor1234", sha256)).isFalse();
        assertThat(hasher.matches("", sha256)).isFalse();
        assertThat(PasswordHasher.isImported(sha256)).isTrue();

        // Accounts from before Harbor 1.9 keep a SHA-1 based hash; no version read as sha1 too.
        String sha1 = PasswordHasher.importedHarborHash("sha1", "0123456789abcdef", "8f6f55651dade73844ef504794ca671b")
                .orElseThrow();
        assertThat(hasher.matches("Old-Pass-1", sha1)).isTrue();
        assertThat(hasher.matches("Old-Pass-2", sha1)).isFalse();
        assertThat(PasswordHasher.importedHarborHash("", "0123456789abcdef", "8f6f55651dade73844ef504794ca671b"))
                .contains(sha1);
    }

    @Test
    void whatIsNotAHarborHashIsRefusedOrMatchesNothing() {
        assertThat(PasswordHasher.importedHarborHash("sha256", "salt", "")).isEmpty();
        assertThat(PasswordHasher.importedHarborHash("sha256", null, "19fc748d1c4bed1e604ec29b939a5de2"))
                .isEmpty();
        assertThat(PasswordHasher.importedHarborHash("md5", "salt", "19fc748d1c4bed1e604ec29b939a5de2"))
                .isEmpty();
        assertThat(PasswordHasher.importedHarborHash("sha256", "a$b", "19fc748d1c4bed1e604ec29b939a5de2"))
                .isEmpty();
        assertThat(hasher.matches("x", "harbor-pbkdf2$md5$salt$19fc748d1c4bed1e604ec29b939a5de2"))
                .isFalse();
        assertThat(hasher.matches("x", "harbor-pbkdf2$sha256$salt")).isFalse();
        // Berth's own bcrypt hashes are untouched by the Harbor path.
        assertThat(hasher.matches("Harbor12345", hasher.hash("Harbor12345"))).isTrue();
        assertThat(PasswordHasher.isImported(hasher.hash("Harbor12345"))).isFalse();
    }
}
