package dev.berth.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Harbor's two readers of its reversibly encrypted values, as the import uses them. */
class HarborSecretsTest {
    private final HarborSecrets withKey = new HarborSecrets(Optional.of(HarborInstance.SECRET_KEY + "\n"));
    private final HarborSecrets withoutKey = new HarborSecrets(Optional.empty());

    @Test
    void encryptedValuesOpenWithHarborsKeyOnly() throws Exception {
        String sealed = HarborInstance.harborEncrypt("{\"username\":\"p2p\",\"password\":\"P2p-Secret-9\"}");
        assertThat(withKey.decryptSecret(sealed)).contains("{\"username\":\"p2p\",\"password\":\"P2p-Secret-9\"}");
        assertThat(withKey.decrypt(sealed)).isEqualTo(withKey.decryptSecret(sealed));
        assertThat(withoutKey.decryptSecret(sealed)).isEmpty();
        assertThatThrownBy(() -> new HarborSecrets(Optional.of("another-16-chars")).decryptSecret(sealed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not readable with this key");
    }

    @Test
    void unencryptedValuesAreReadAsEachOfHarborsReadersReadsThem() {
        // a registry's access_secret without the header is base64 (ReversibleDecrypt); a preheat
        // instance's auth_data without it is the JSON itself (DecryptSecret, for data from before 2.14)
        String base64 = Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(withoutKey.decrypt(base64)).contains("s3cret");
        assertThat(withoutKey.decryptSecret("{\"token\":\"t\"}")).contains("{\"token\":\"t\"}");
        assertThat(withoutKey.decrypt("")).contains("");
        assertThatThrownBy(() -> withoutKey.decrypt("{not base64"))
                .hasMessage("is neither encrypted nor base64 as Harbor stores it");
        assertThatThrownBy(() -> new HarborSecrets(Optional.of("short"))).hasMessageContaining("16, 24 or 32");
    }
}
