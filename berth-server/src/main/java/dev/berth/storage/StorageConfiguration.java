package dev.berth.storage;

import dev.berth.config.BerthProperties;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {
    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    /** Typed so that the narrow roles every driver also plays (BlobLister) can be injected. */
    @Bean
    ListableBlobStore blobStore(BerthProperties properties, StorageSettings settings) throws IOException {
        return switch (settings.type()) {
            case FILESYSTEM -> new FilesystemBlobStore(properties.dataDir());
            case S3 -> {
                StorageSettings.S3 s3 = settings.s3();
                S3BlobStore store = S3BlobStore.connect(s3);
                log.info(
                        "event=storage_s3 endpoint={} bucket={} root=\"{}\" redirect={}",
                        s3.endpoint().isBlank() ? "aws" : s3.endpoint(),
                        s3.bucket(),
                        s3.keyPrefix(),
                        s3.redirect());
                yield store;
            }
            case GCS -> {
                StorageSettings.Gcs gcs = settings.gcs();
                ListableBlobStore store = GcsBlobStore.connect(gcs);
                log.info(
                        "event=storage_gcs endpoint={} bucket={} root=\"{}\"",
                        gcs.endpoint().isBlank() ? "google" : gcs.endpoint(),
                        gcs.bucket(),
                        gcs.keyPrefix());
                yield store;
            }
            case AZURE -> {
                StorageSettings.Azure azure = settings.azure();
                ListableBlobStore store = AzureBlobStore.connect(azure);
                log.info(
                        "event=storage_azure endpoint={} container={} root=\"{}\"",
                        azure.serviceUrl(),
                        azure.container(),
                        azure.keyPrefix());
                yield store;
            }
        };
    }
}
