package dev.berth.storage;

/** A blob store that can also enumerate its blobs: what every driver is, and the bean's type. */
public interface ListableBlobStore extends BlobStore, BlobLister {}
