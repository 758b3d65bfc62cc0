package dev.berth.storage;

import java.util.Optional;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * What every request that creates an object carries (PutObject, CreateMultipartUpload,
 * CopyObject): server-side encryption and the storage class. A server-side copy does not inherit
 * them from its source, so all three ask for them explicitly.
 */
record S3WriteOptions(
        Optional<ServerSideEncryption> encryption, Optional<String> kmsKeyId, Optional<StorageClass> storageClass) {

    static S3WriteOptions of(StorageSettings.S3 settings) {
        Optional<ServerSideEncryption> encryption = settings.encrypt()
                ? Optional.of(
                        settings.kmsKeyId().isBlank() ? ServerSideEncryption.AES256 : ServerSideEncryption.AWS_KMS)
                : Optional.empty();
        Optional<String> key = settings.kmsKeyId().isBlank() ? Optional.empty() : Optional.of(settings.kmsKeyId());
        return new S3WriteOptions(encryption, key, storageClass(settings.storageClass()));
    }

    /**
     * These options for objects that live only while an upload does: encrypted like blobs, but in
     * the default storage class, as the infrequent-access and archive classes bill a minimum
     * duration that a temporary object would pay in full.
     */
    S3WriteOptions staging() {
        return new S3WriteOptions(encryption, kmsKeyId, Optional.empty());
    }

    /** The storage class a setting names; empty for the bucket's default; refused when unknown. */
    static Optional<StorageClass> storageClass(String setting) {
        if (setting.isBlank() || setting.equalsIgnoreCase("NONE")) {
            return Optional.empty();
        }
        StorageClass storageClass = StorageClass.fromValue(setting.toUpperCase(java.util.Locale.ROOT));
        if (storageClass == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalStateException("berth.storage.s3.storage-class " + setting
                    + " is not an S3 storage class (STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING,"
                    + " REDUCED_REDUNDANCY, GLACIER_IR, … or NONE for the bucket's default)");
        }
        return Optional.of(storageClass);
    }

    PutObjectRequest.Builder on(PutObjectRequest.Builder request) {
        encryption.ifPresent(request::serverSideEncryption);
        kmsKeyId.ifPresent(request::ssekmsKeyId);
        storageClass.ifPresent(request::storageClass);
        return request;
    }

    CreateMultipartUploadRequest.Builder on(CreateMultipartUploadRequest.Builder request) {
        encryption.ifPresent(request::serverSideEncryption);
        kmsKeyId.ifPresent(request::ssekmsKeyId);
        storageClass.ifPresent(request::storageClass);
        return request;
    }

    CopyObjectRequest.Builder on(CopyObjectRequest.Builder request) {
        encryption.ifPresent(request::serverSideEncryption);
        kmsKeyId.ifPresent(request::ssekmsKeyId);
        storageClass.ifPresent(request::storageClass);
        return request;
    }
}
