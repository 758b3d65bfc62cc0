package dev.berth.iam;

import java.util.Optional;

/** Harbor's RBAC resources, with their wire names. */
public enum Resource {
    // project scope
    PROJECT("project"),
    MEMBER("member"),
    METADATA("metadata"),
    LOG("log"),
    LABEL("label"),
    QUOTA("quota"),
    REPOSITORY("repository"),
    TAG_RETENTION("tag-retention"),
    IMMUTABLE_TAG("immutable-tag"),
    CONFIGURATION("configuration"),
    ROBOT("robot"),
    NOTIFICATION_POLICY("notification-policy"),
    SCAN("scan"),
    SBOM("sbom"),
    SCANNER("scanner"),
    ARTIFACT("artifact"),
    ARTIFACT_ADDITION("artifact-addition"),
    TAG("tag"),
    ACCESSORY("accessory"),
    ARTIFACT_LABEL("artifact-label"),
    PREHEAT_POLICY("preheat-policy"),
    EXPORT_CVE("export-cve"),
    // system scope
    AUDIT_LOG("audit-log"),
    PREHEAT_INSTANCE("preheat-instance"),
    REPLICATION_POLICY("replication-policy"),
    REPLICATION("replication"),
    REPLICATION_ADAPTER("replication-adapter"),
    REGISTRY("registry"),
    SCAN_ALL("scan-all"),
    SYSTEM_VOLUMES("system-volumes"),
    GARBAGE_COLLECTION("garbage-collection"),
    PURGE_AUDIT("purge-audit"),
    JOBSERVICE_MONITOR("jobservice-monitor"),
    SECURITY_HUB("security-hub"),
    CATALOG("catalog"),
    USER("user"),
    LDAP_USER("ldap-user"),
    USER_GROUP("user-group");

    private final String wire;

    Resource(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Resource> of(String wire) {
        for (Resource r : values()) {
            if (r.wire.equals(wire)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
