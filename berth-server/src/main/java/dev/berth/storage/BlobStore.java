package dev.berth.storage;

/**
 * The bytes of blobs, content-addressed. Metadata (which repository links which blob, sizes,
 * manifests) lives in the database; a driver never has to be listed to answer a request. Every
 * driver passes the same contract suite ({@code BlobStoreContract} in the tests).
 */
public interface BlobStore extends BlobStatter, BlobReader, BlobIngester, BlobDeleter {}
