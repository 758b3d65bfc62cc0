package dev.berth.deploy;

import static dev.berth.deploy.YamlPaths.at;
import static dev.berth.deploy.YamlPaths.list;
import static dev.berth.deploy.YamlPaths.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's storage, database and Redis choices, and Harbor's storage drivers (S3, GCS, Azure;
 * OSS and Swift refused), rendered by Helm and read back.
 */
class HelmStorageTest extends RenderedChart {
    @ParameterizedTest(name = "storage {0}, database {1}, redis {2}")
    @CsvSource({
        "filesystem, internal, none",
        "filesystem, internal, internal",
        "filesystem, internal, external",
        "filesystem, external, none",
        "filesystem, external, internal",
        "filesystem, external, external",
        "s3, internal, none",
        "s3, internal, internal",
        "s3, internal, external",
        "s3, external, none",
        "s3, external, internal",
        "s3, external, external"
    })
    void eachStorageDatabaseAndRedisChoiceRendersWhatItNeedsAndNothingElse(
            String storage, String database, String redis) throws Exception {
        Rendered r = render("persistence:\n  imageChartStorage:\n    type: " + storage + "\n"
                + "    s3:\n      region: eu-west-1\n      bucket: blobs\n      accesskey: AKIA1\n"
                + "      secretkey: s3-secret-value\n      regionendpoint: http://minio.minio:9000\n"
                + "      forcepathstyle: true\n"
                + "database:\n  type: " + database + "\n"
                + "  external:\n    host: pg.example.com\n    port: \"6432\"\n    username: berth\n"
                + "    password: db-secret-value\n    coreDatabase: berth\n    sslmode: require\n"
                + "redis:\n  type: " + redis + "\n  external:\n    addr: redis.example.com:6380\n"
                + "    password: redis-secret-value\n");

        // storage
        assertEquals(storage, r.envValue("BERTH_STORAGE_TYPE"));
        if (storage.equals("s3")) {
            assertEquals("http://minio.minio:9000", r.envValue("BERTH_STORAGE_S3_ENDPOINT"));
            assertEquals("eu-west-1", r.envValue("BERTH_STORAGE_S3_REGION"));
            assertEquals("blobs", r.envValue("BERTH_STORAGE_S3_BUCKET"));
            assertEquals("true", r.envValue("BERTH_STORAGE_S3_PATH_STYLE"));
            assertEquals("true", r.envValue("BERTH_STORAGE_S3_REDIRECT"));
            assertEquals(FULLNAME + "-core/REGISTRY_STORAGE_S3_ACCESSKEY", r.envSecret("BERTH_STORAGE_S3_ACCESS_KEY"));
            assertEquals(FULLNAME + "-core/REGISTRY_STORAGE_S3_SECRETKEY", r.envSecret("BERTH_STORAGE_S3_SECRET_KEY"));
            assertEquals("s3-secret-value", r.secretData(FULLNAME + "-core", "REGISTRY_STORAGE_S3_SECRETKEY"));
            assertThat(r.ofKind("PersistentVolumeClaim")).isEmpty();
            assertThat(at(r.volume("data"), "emptyDir")).isNotNull();
            assertEquals("RollingUpdate", string(r.deployment(), "spec.strategy.type"));
        } else {
            assertThat(r.env().keySet()).noneMatch(k -> k.startsWith("BERTH_STORAGE_S3_"));
            assertThat(r.has("PersistentVolumeClaim", FULLNAME + "-registry")).isTrue();
            assertThat(r.text()).doesNotContain(b64("s3-secret-value"));
        }

        // database
        if (database.equals("internal")) {
            assertThat(r.has("StatefulSet", FULLNAME + "-database")).isTrue();
            assertThat(r.has("Service", FULLNAME + "-database")).isTrue();
            assertEquals(
                    "jdbc:postgresql://" + FULLNAME + "-database:5432/registry", r.envValue("SPRING_DATASOURCE_URL"));
            assertThat(r.text()).doesNotContain(b64("db-secret-value"));
        } else {
            assertThat(r.ofKind("StatefulSet")).isEmpty();
            assertThat(r.has("Service", FULLNAME + "-database")).isFalse();
            assertEquals(
                    "jdbc:postgresql://pg.example.com:6432/berth?sslmode=require", r.envValue("SPRING_DATASOURCE_URL"));
            assertEquals("berth", r.envValue("SPRING_DATASOURCE_USERNAME"));
            assertEquals("db-secret-value", r.secretData(FULLNAME + "-database", "password"));
            assertThat(list(r.deployment(), "spec.template.spec.initContainers"))
                    .isEmpty();
        }
        assertEquals(FULLNAME + "-database/password", r.envSecret("SPRING_DATASOURCE_PASSWORD"));
        assertEquals("20", r.envValue("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE"));

        // Redis
        switch (redis) {
            case "none" -> {
                assertThat(r.env()).doesNotContainKey("BERTH_REDIS_URL");
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isFalse();
            }
            case "internal" -> {
                assertEquals("redis://" + FULLNAME + "-redis:6379/0", r.envValue("BERTH_REDIS_URL"));
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isTrue();
                assertThat(r.has("Service", FULLNAME + "-redis")).isTrue();
            }
            default -> {
                assertThat(r.has("Deployment", FULLNAME + "-redis")).isFalse();
                assertEquals(FULLNAME + "-core/REDIS_PASSWORD", r.envSecret("BERTH_REDIS_PASSWORD"));
                assertEquals(
                        "redis://:$(BERTH_REDIS_PASSWORD)@redis.example.com:6380/0", r.envValue("BERTH_REDIS_URL"));
                assertThat(names(r.env())).containsSubsequence("BERTH_REDIS_PASSWORD", "BERTH_REDIS_URL");
            }
        }
        // passwords never in a plain environment value
        assertThat(r.text()).doesNotContain("db-secret-value", "s3-secret-value", "redis-secret-value");
    }

    @Test
    void s3PathStyleFollowsTheEndpointUnlessSetAsHarborsRegistryDoes() throws Exception {
        String s3 = "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: b\n";
        assertEquals("false", render(s3).envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals(
                "true",
                render(s3 + "      regionendpoint: http://minio:9000\n").envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals(
                "false",
                render(s3 + "      regionendpoint: https://s3.example.com\n      forcepathstyle: false\n")
                        .envValue("BERTH_STORAGE_S3_PATH_STYLE"));
        assertEquals("false", render(s3 + "    disableredirect: true\n").envValue("BERTH_STORAGE_S3_REDIRECT"));
    }

    @Test
    void harborsS3DriverSettingsBecomeBerthsAsItsRegistryReadsThem() throws Exception {
        String s3 =
                "persistence:\n  imageChartStorage:\n    type: s3\n    s3:\n      bucket: b\n      region: eu-west-1\n";
        Rendered all = render(s3 + """
                      encrypt: true
                      keyid: alias/registry
                      skipverify: true
                      v4auth: true
                      storageclass: STANDARD_IA
                      chunksize: "10485760"
                      multipartcopythresholdsize: "33554432"
                      multipartcopychunksize: 33554432
                      multipartcopymaxconcurrency: 100
                """);
        assertEquals("true", all.envValue("BERTH_STORAGE_S3_ENCRYPT"));
        assertEquals("alias/registry", all.envValue("BERTH_STORAGE_S3_KMS_KEY_ID"));
        assertEquals("true", all.envValue("BERTH_STORAGE_S3_SKIP_VERIFY"));
        assertEquals("STANDARD_IA", all.envValue("BERTH_STORAGE_S3_STORAGE_CLASS"));
        assertEquals("10485760", all.envValue("BERTH_STORAGE_S3_PART_SIZE"));
        assertEquals("33554432", all.envValue("BERTH_STORAGE_S3_COPY_THRESHOLD"));
        assertEquals("33554432", all.envValue("BERTH_STORAGE_S3_COPY_PART_SIZE"));
        assertEquals("100", all.envValue("BERTH_STORAGE_S3_COPY_CONCURRENCY"));
        assertEquals("", all.envValue("BERTH_STORAGE_S3_ENDPOINT"));

        // Unset or off: nothing, and Berth's defaults hold (no encryption asked, the bucket's class).
        Rendered none = render(s3 + "      encrypt: false\n      skipverify: false\n      secure: true\n");
        assertThat(names(none.env()))
                .noneMatch(n ->
                        n.matches("BERTH_STORAGE_S3_(ENCRYPT|KMS_KEY_ID|SKIP_VERIFY|STORAGE_CLASS|PART_SIZE|COPY_.*)"));
        // secure: false without an endpoint is AWS's regional endpoint over HTTP, as in distribution
        assertEquals(
                "http://s3.eu-west-1.amazonaws.com",
                render(s3 + "      secure: false\n").envValue("BERTH_STORAGE_S3_ENDPOINT"));
        assertEquals(
                "http://minio:9000",
                render(s3 + "      secure: false\n      regionendpoint: http://minio:9000\n")
                        .envValue("BERTH_STORAGE_S3_ENDPOINT"));
        // A KMS key without encryption would be ignored by Harbor's registry: said, not ignored.
        assertRenderFails(s3 + "      keyid: alias/registry\n", "keyid is set but encrypt is not true");
    }

    @Test
    void harborsGcsStorageSettingsMapOntoBerthsGcsDriver() throws Exception {
        String gcs = "persistence:\n  imageChartStorage:\n    type: gcs\n    gcs:\n      bucket: harbor-blobs\n";
        Rendered withKey = render(gcs + "      encodedkey: " + b64("{\"type\":\"service_account\"}") + "\n"
                + "      rootdirectory: /harbor\n      chunksize: 10485760\n");

        assertEquals("gcs", withKey.envValue("BERTH_STORAGE_TYPE"));
        assertEquals("harbor-blobs", withKey.envValue("BERTH_STORAGE_GCS_BUCKET"));
        assertEquals("/harbor", withKey.envValue("BERTH_STORAGE_GCS_ROOT_DIRECTORY"));
        assertEquals("10485760", withKey.envValue("BERTH_STORAGE_GCS_CHUNK_SIZE"));
        assertEquals("/etc/berth/gcs/gcs-key.json", withKey.envValue("BERTH_STORAGE_GCS_KEY_FILE"));
        assertEquals(FULLNAME + "-core", string(withKey.volume("gcs-key"), "secret.secretName"));
        assertEquals("GCS_KEY_DATA", string(withKey.volume("gcs-key"), "secret.items[0].key"));
        assertEquals("{\"type\":\"service_account\"}", withKey.secretData(FULLNAME + "-core", "GCS_KEY_DATA"));
        assertThat(withKey.ofKind("PersistentVolumeClaim")).isEmpty();
        assertEquals("RollingUpdate", string(withKey.deployment(), "spec.strategy.type"));

        Rendered existing = render(gcs + "      encodedkey: ignored\n      existingSecret: harbor-gcs\n");
        assertEquals("harbor-gcs", string(existing.volume("gcs-key"), "secret.secretName"));
        assertNull(existing.secretData(FULLNAME + "-core", "GCS_KEY_DATA"));

        Rendered workloadIdentity = render(gcs + "      encodedkey: ignored\n      useWorkloadIdentity: true\n");
        assertNull(workloadIdentity.envValue("BERTH_STORAGE_GCS_KEY_FILE"));
        assertThatThrownBy(() -> workloadIdentity.volume("gcs-key")).isInstanceOf(AssertionError.class);

        assertRenderFails(
                "persistence:\n  imageChartStorage:\n    type: gcs\n    gcs:\n      bucket: \"\"\n",
                "persistence.imageChartStorage.gcs.bucket");
    }

    @Test
    void harborsAzureStorageSettingsMapOntoBerthsAzureDriver() throws Exception {
        String azure = "persistence:\n  imageChartStorage:\n    type: azure\n    azure:\n"
                + "      accountname: harboraccount\n      container: blobs\n";
        Rendered withKey = render(azure + "      accountkey: azure-secret-value\n      realm: core.chinacloudapi.cn\n");

        assertEquals("azure", withKey.envValue("BERTH_STORAGE_TYPE"));
        assertEquals("harboraccount", withKey.envValue("BERTH_STORAGE_AZURE_ACCOUNT_NAME"));
        assertEquals("blobs", withKey.envValue("BERTH_STORAGE_AZURE_CONTAINER"));
        assertEquals("core.chinacloudapi.cn", withKey.envValue("BERTH_STORAGE_AZURE_REALM"));
        assertEquals(FULLNAME + "-core/AZURE_STORAGE_ACCESS_KEY", withKey.envSecret("BERTH_STORAGE_AZURE_ACCOUNT_KEY"));
        assertEquals("azure-secret-value", withKey.secretData(FULLNAME + "-core", "AZURE_STORAGE_ACCESS_KEY"));
        assertThat(withKey.ofKind("PersistentVolumeClaim")).isEmpty();

        Rendered existing = render(azure + "      existingSecret: harbor-azure\n");
        assertEquals("core.windows.net", existing.envValue("BERTH_STORAGE_AZURE_REALM"));
        assertEquals("harbor-azure/AZURE_STORAGE_ACCESS_KEY", existing.envSecret("BERTH_STORAGE_AZURE_ACCOUNT_KEY"));
        assertNull(existing.secretData(FULLNAME + "-core", "AZURE_STORAGE_ACCESS_KEY"));

        assertRenderFails(azure, "accountkey, or existingSecret");
    }

    @Test
    void harborsOssAndSwiftStorageAreRefusedWithWhatToUseInstead() {
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: oss\n", "type: s3", "aliyuncs.com");
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: swift\n", "no Swift driver", "type: s3");
        assertRenderFails("persistence:\n  imageChartStorage:\n    type: ftp\n", "/persistence/imageChartStorage/type");
    }
}
