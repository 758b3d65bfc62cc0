package dev.berth.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@code /v2/} path leads. Repository names may contain slashes, so the path is matched
 * from its end: the last {@code /manifests/}, {@code /blobs/}, ... segment decides.
 */
sealed interface RegistryRoute {
    record Base() implements RegistryRoute {}

    record Catalog() implements RegistryRoute {}

    record Tags(String name) implements RegistryRoute {}

    record Manifest(String name, String reference) implements RegistryRoute {}

    record Blob(String name, String digest) implements RegistryRoute {}

    record Uploads(String name) implements RegistryRoute {}

    record Upload(String name, String id) implements RegistryRoute {}

    record Referrers(String name, String digest) implements RegistryRoute {}

    record Unknown() implements RegistryRoute {}

    /** The route with its variables left as names, e.g. {@code /v2/{name}/blobs/{digest}}: a bounded label. */
    default String template() {
        return switch (this) {
            case Base b -> "/v2/";
            case Catalog c -> "/v2/_catalog";
            case Tags t -> "/v2/{name}/tags/list";
            case Manifest m -> "/v2/{name}/manifests/{reference}";
            case Blob b -> "/v2/{name}/blobs/{digest}";
            case Uploads u -> "/v2/{name}/blobs/uploads/";
            case Upload u -> "/v2/{name}/blobs/uploads/{session_id}";
            case Referrers r -> "/v2/{name}/referrers/{digest}";
            case Unknown u -> "/v2/*";
        };
    }

    Pattern TAGS = Pattern.compile("^(.+)/tags/list$");
    Pattern MANIFEST = Pattern.compile("^(.+)/manifests/([^/]+)$");
    Pattern UPLOADS = Pattern.compile("^(.+)/blobs/uploads/?$");
    Pattern UPLOAD = Pattern.compile("^(.+)/blobs/uploads/([^/]+)$");
    Pattern BLOB = Pattern.compile("^(.+)/blobs/([^/]+)$");
    Pattern REFERRERS = Pattern.compile("^(.+)/referrers/([^/]+)$");

    /** @param path the decoded path after {@code /v2/} */
    static RegistryRoute of(String path) {
        if (path.isEmpty()) {
            return new Base();
        }
        if (path.equals("_catalog")) {
            return new Catalog();
        }
        Matcher m;
        if ((m = TAGS.matcher(path)).matches()) {
            return new Tags(m.group(1));
        }
        if ((m = MANIFEST.matcher(path)).matches()) {
            return new Manifest(m.group(1), m.group(2));
        }
        if ((m = UPLOADS.matcher(path)).matches()) {
            return new Uploads(m.group(1));
        }
        if ((m = UPLOAD.matcher(path)).matches()) {
            return new Upload(m.group(1), m.group(2));
        }
        if ((m = BLOB.matcher(path)).matches()) {
            return new Blob(m.group(1), m.group(2));
        }
        if ((m = REFERRERS.matcher(path)).matches()) {
            return new Referrers(m.group(1), m.group(2));
        }
        return new Unknown();
    }
}
