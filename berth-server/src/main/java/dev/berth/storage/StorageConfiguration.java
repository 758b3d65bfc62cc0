package dev.berth.storage;

import dev.berth.config.BerthProperties;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {
    /** Typed as the driver so that the narrow roles it also plays (BlobLister) can be injected. */
    @Bean
    FilesystemBlobStore blobStore(BerthProperties properties) throws IOException {
        return new FilesystemBlobStore(properties.dataDir());
    }
}
