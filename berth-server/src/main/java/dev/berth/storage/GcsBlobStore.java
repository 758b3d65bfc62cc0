package dev.berth.storage;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the Google Cloud Storage driver: blobs as objects in a GCS bucket, in the layout of
 * {@link ObjectKeys}, over GCS's JSON API ({@link GcsObjects}).
 */
public final class GcsBlobStore {
    private static final Logger log = LoggerFactory.getLogger(GcsBlobStore.class);
    private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/devstorage.read_write");

    private GcsBlobStore() {}

    /** Connects with the settings and checks that the bucket is there. */
    public static ListableBlobStore connect(StorageSettings.Gcs settings) {
        settings.validate();
        StorageOptions.Builder options = StorageOptions.http().setCredentials(credentials(settings));
        if (!settings.endpoint().isBlank()) {
            options.setHost(settings.endpoint());
        }
        if (!settings.projectId().isBlank()) {
            options.setProjectId(settings.projectId());
        }
        Storage storage = options.build().getService();
        try {
            if (storage.get(settings.bucket()) == null) {
                throw new IllegalStateException("GCS bucket " + settings.bucket() + " does not exist");
            }
        } catch (StorageException e) {
            throw new IllegalStateException(
                    "GCS bucket " + settings.bucket() + " is not reachable: " + e.getMessage(), e);
        }
        return new ObjectBlobStore(
                new GcsObjects(
                        storage, settings.bucket(), (int) settings.chunkSize().toBytes()),
                new ObjectKeys(settings.keyPrefix()),
                () -> close(storage));
    }

    private static void close(Storage storage) {
        try {
            storage.close();
        } catch (Exception e) {
            log.warn("event=gcs_close_failed reason=\"{}\"", e.toString());
        }
    }

    private static Credentials credentials(StorageSettings.Gcs settings) {
        try {
            if (!settings.keyFile().isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(settings.keyFile()))) {
                    return GoogleCredentials.fromStream(in).createScoped(SCOPES);
                }
            }
            if (!settings.endpoint().isBlank()) {
                // An emulator or a private endpoint that takes no Google credentials.
                return NoCredentials.getInstance();
            }
            return GoogleCredentials.getApplicationDefault().createScoped(SCOPES);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "GCS credentials cannot be read (berth.storage.gcs.key-file, or Application Default Credentials): "
                            + e.getMessage(),
                    e);
        }
    }
}
