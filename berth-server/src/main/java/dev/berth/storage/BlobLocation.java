package dev.berth.storage;

import java.net.URI;
import java.nio.file.Path;

/** Where a committed blob can be served from directly. */
public sealed interface BlobLocation {
    /** A file on the local filesystem, suitable for zero-copy transfer. */
    record LocalFile(Path path) implements BlobLocation {}

    /** A URL (for example a presigned object-store URL) the client may be redirected to. */
    record Redirect(URI uri) implements BlobLocation {}
}
