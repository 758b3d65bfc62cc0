package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/** The storage settings' names as deployments write them: environment variables of the documented form. */
class StorageSettingsTest {
    private static StorageSettings fromEnvironment(Map<String, String> variables) {
        Map<String, Object> env = new HashMap<>(variables);
        Binder binder = new Binder(ConfigurationPropertySources.from(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env)));
        return binder.bindOrCreate("berth.storage", StorageSettings.class);
    }

    @Test
    void defaultsToTheFilesystemAndRedirectingS3Settings() {
        StorageSettings settings = fromEnvironment(Map.of());

        assertThat(settings.type()).isEqualTo(StorageSettings.Type.FILESYSTEM);
        assertThat(settings.s3().redirect()).isTrue();
        assertThat(settings.s3().presignExpiry()).isEqualTo(Duration.ofMinutes(20));
        assertThat(settings.s3().region()).isEqualTo("us-east-1");
        assertThat(settings.s3().partSize()).isEqualTo(DataSize.ofMegabytes(8));
        assertThat(settings.s3().pathStyle()).isFalse();
    }

    @Test
    void everyS3SettingBindsFromItsEnvironmentVariable() {
        StorageSettings settings = fromEnvironment(Map.ofEntries(
                Map.entry("BERTH_STORAGE_TYPE", "s3"),
                Map.entry("BERTH_STORAGE_S3_ENDPOINT", "http://minio:9000"),
                Map.entry("BERTH_STORAGE_S3_REGION", "auto"),
                Map.entry("BERTH_STORAGE_S3_BUCKET", "images"),
                Map.entry("BERTH_STORAGE_S3_ACCESS_KEY", "AK"),
                Map.entry("BERTH_STORAGE_S3_SECRET_KEY", "SK"),
                Map.entry("BERTH_STORAGE_S3_PATH_STYLE", "true"),
                Map.entry("BERTH_STORAGE_S3_ROOT_DIRECTORY", "/team/berth/"),
                Map.entry("BERTH_STORAGE_S3_REDIRECT", "false"),
                Map.entry("BERTH_STORAGE_S3_PRESIGN_EXPIRY", "5m"),
                Map.entry("BERTH_STORAGE_S3_PUBLIC_ENDPOINT", "https://s3.example.com"),
                Map.entry("BERTH_STORAGE_S3_PART_SIZE", "16MB")));

        StorageSettings.S3 s3 = settings.s3();
        assertThat(settings.type()).isEqualTo(StorageSettings.Type.S3);
        assertThat(s3.endpoint()).isEqualTo("http://minio:9000");
        assertThat(s3.region()).isEqualTo("auto");
        assertThat(s3.bucket()).isEqualTo("images");
        assertThat(s3.accessKey()).isEqualTo("AK");
        assertThat(s3.secretKey()).isEqualTo("SK");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.keyPrefix()).isEqualTo("team/berth/");
        assertThat(s3.redirect()).isFalse();
        assertThat(s3.presignExpiry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s3.publicEndpoint()).isEqualTo("https://s3.example.com");
        assertThat(s3.partSize()).isEqualTo(DataSize.ofMegabytes(16));
        s3.validate();
    }

    @Test
    void incompleteOrOutOfRangeS3SettingsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> fromEnvironment(Map.of()).s3().validate())
                .hasMessageContaining("berth.storage.s3.bucket");
        assertThatThrownBy(() -> fromEnvironment(
                                Map.of("BERTH_STORAGE_S3_BUCKET", "b", "BERTH_STORAGE_S3_ACCESS_KEY", "only-one"))
                        .s3()
                        .validate())
                .hasMessageContaining("secret-key");
        assertThatThrownBy(() -> fromEnvironment(
                                Map.of("BERTH_STORAGE_S3_BUCKET", "b", "BERTH_STORAGE_S3_PART_SIZE", "1MB"))
                        .s3()
                        .validate())
                .hasMessageContaining("part-size");
        assertThatThrownBy(() -> fromEnvironment(
                                Map.of("BERTH_STORAGE_S3_BUCKET", "b", "BERTH_STORAGE_S3_PRESIGN_EXPIRY", "8d"))
                        .s3()
                        .validate())
                .hasMessageContaining("presign-expiry");
        assertThat(fromEnvironment(Map.of("BERTH_STORAGE_S3_ROOT_DIRECTORY", "///"))
                        .s3()
                        .keyPrefix())
                .isEmpty();
    }
}
