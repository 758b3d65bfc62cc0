package dev.berth.storage;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.StorageSharedKeyCredential;

/**
 * Opens the Azure Blob driver: blobs as block blobs in a container, in the layout of
 * {@link ObjectKeys} ({@link AzureObjects}).
 */
public final class AzureBlobStore {
    private AzureBlobStore() {}

    /** Connects with the settings and checks that the container is there. */
    public static ListableBlobStore connect(StorageSettings.Azure settings) {
        settings.validate();
        BlobContainerClient container = new BlobServiceClientBuilder()
                .endpoint(settings.serviceUrl())
                .credential(new StorageSharedKeyCredential(settings.accountName(), settings.accountKey()))
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient()
                .getBlobContainerClient(settings.container());
        try {
            if (!container.exists()) {
                throw new IllegalStateException(
                        "Azure container " + settings.container() + " does not exist at " + settings.serviceUrl());
            }
        } catch (BlobStorageException e) {
            throw new IllegalStateException(
                    "Azure container " + settings.container() + " is not reachable at " + settings.serviceUrl() + ": "
                            + e.getErrorCode(),
                    e);
        }
        return new ObjectBlobStore(
                new AzureObjects(container, (int) settings.chunkSize().toBytes()),
                new ObjectKeys(settings.keyPrefix()),
                () -> {});
    }
}
