package dev.berth.registry;

/** The error codes of the OCI distribution spec (plus Docker's TAG_INVALID), each with the status it is normally sent with. */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    /** Not in the OCI list; Docker's registry API defines it and clients know it. */
    TAG_INVALID(400, "manifest tag is invalid"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    /** Distribution's: the service (here: a proxy cache's upstream) is unavailable. */
    UNAVAILABLE(503, "service unavailable"),
    /** Harbor's: a project policy (vulnerability prevention) refuses the pull. */
    PROJECTPOLICYVIOLATION(412, "the project's policy refuses this");

    private final int status;
    private final String description;

    ErrorCode(int status, String description) {
        this.status = status;
        this.description = description;
    }

    public int status() {
        return status;
    }

    public String description() {
        return description;
    }
}
