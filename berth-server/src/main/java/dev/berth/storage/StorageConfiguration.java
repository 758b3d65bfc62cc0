package dev.berth.storage;

import dev.berth.config.BerthProperties;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {
    @Bean
    BlobStore blobStore(BerthProperties properties) throws IOException {
        return new FilesystemBlobStore(properties.dataDir());
    }
}
