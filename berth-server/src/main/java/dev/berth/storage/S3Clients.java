package dev.berth.storage;

import dev.berth.outbound.CaBundle;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.AttributeMap;

/** Builds the SDK's client and presigner from Berth's settings. */
final class S3Clients {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);

    private S3Clients() {}

    static S3Client client(StorageSettings.S3 settings) {
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where the API demands them: MinIO, Ceph, R2 and older servers
                // reject or ignore the SDK's newer default trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(httpClient(settings));
        if (!settings.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        return builder.build();
    }

    private static SdkHttpClient httpClient(StorageSettings.S3 settings) {
        var builder = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofMinutes(2));
        if (settings.skipVerify()) {
            log.warn(
                    "event=s3_certificate_checks_off endpoint={} reason=\"berth.storage.s3.skip-verify=true:"
                            + " any certificate is accepted from the S3 endpoint\"",
                    settings.endpoint());
            return builder.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                    .build());
        }
        if (!settings.caBundle().isBlank()) {
            TrustManager[] trust = CaBundle.trustManagers(Path.of(settings.caBundle()), "berth.storage.s3.ca-bundle");
            builder.tlsTrustManagersProvider(() -> trust);
        }
        return builder.build();
    }

    static S3Presigner presigner(StorageSettings.S3 settings) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle())
                        .build());
        String endpoint = settings.publicEndpoint().isBlank() ? settings.endpoint() : settings.publicEndpoint();
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageSettings.S3 settings) {
        if (settings.accessKey().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }
}
