package dev.berth.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.iam.UserNames;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A user name that reads the same as an existing one cannot be created beside it: {@code Admin},
 * {@code ADMIN}, {@code admın} (dotless ı), {@code ADMİN} and full-width {@code ａｄｍｉｎ} are all
 * {@code admin}. Names are compared after NFKC, case folding and the dotted/dotless i.
 */
class UsernameLookAlikeTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void namesThatReadTheSameAsAnExistingOneAreRefused() {
        for (String lookAlike : List.of("Admin", "ADMIN", "admın", "ADMİN", "ａｄｍｉｎ", "aDmIn")) {
            RegistryClient.Response r = create(lookAlike);
            assertThat(r.status()).as(lookAlike + ": " + r.text()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("CONFLICT");
        }
        TestUsers.TestUser user = TestUsers.create(server, "tim");
        String name = user.name();
        for (String lookAlike : List.of(
                name.toUpperCase(Locale.ROOT),
                name.replace('i', 'ı'),
                name.replace("t", "Ｔ"),
                name.toUpperCase(Locale.ROOT).replace('I', 'İ'))) {
            assertThat(create(lookAlike).status()).as(lookAlike).isEqualTo(409);
        }
        // Distinct names are still distinct, and each signs in with the name as created.
        RegistryClient.check(create(name + "x"), 201);
        RegistryClient.check(server.client(name + "x", TestUsers.PASSWORD).get("/api/v2.0/users/current"), 200);
        assertThat(server.client(name.toUpperCase(Locale.ROOT), TestUsers.PASSWORD)
                        .get("/api/v2.0/users/current")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void theKeyFoldsCaseCompatibilityFormsAndTheDottedAndDotlessI() {
        assertThat(UserNames.key("Admin")).isEqualTo("admin");
        assertThat(UserNames.key("admın")).isEqualTo("admin");
        assertThat(UserNames.key("ADMİN")).isEqualTo("admin");
        assertThat(UserNames.key("ａｄｍｉｎ")).isEqualTo("admin");
        assertThat(UserNames.key("Straße")).isEqualTo(UserNames.key("STRASSE"));
        assertThat(UserNames.key("zoë")).isEqualTo(UserNames.key("zoe\u0308"));
        assertThat(UserNames.key("alice")).isNotEqualTo(UserNames.key("alicé"));
    }

    private RegistryClient.Response create(String name) {
        return server.adminClient().send("POST", "/api/v2.0/users", TestUsers.json(name), TestUsers.CONTENT_JSON);
    }
}
