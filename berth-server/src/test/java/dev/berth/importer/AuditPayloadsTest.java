package dev.berth.importer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditPayloadsTest {
    @Test
    void masksPasswordsSecretsAndTokensInFormsAndJson() {
        // Harbor's login payload
        assertThat(AuditPayloads.masked("principal=alice&password=Harbor12345"))
                .isEqualTo("principal=alice&password=*****");
        assertThat(
                        AuditPayloads.masked(
                                "{\"username\":\"dave\",\"password\":\"p\\\"w,d\",\"nested\":{\"client_secret\":42},\"email\":\"d@x\"}"))
                .isEqualTo("{\"username\":\"dave\",\"password\":\"*****\",\"nested\":{\"client_secret\":\"*****\"},"
                        + "\"email\":\"d@x\"}");
        assertThat(AuditPayloads.masked("{\"access_token\": \"abc\", \"name\": \"x\"}"))
                .isEqualTo("{\"access_token\": \"*****\", \"name\": \"x\"}");
        assertThat(AuditPayloads.masked("{\"project_name\":\"team-a\",\"public\":true}"))
                .isEqualTo("{\"project_name\":\"team-a\",\"public\":true}");
        assertThat(AuditPayloads.masked(null)).isNull();
    }
}
