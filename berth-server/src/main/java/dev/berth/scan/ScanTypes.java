package dev.berth.scan;

/** The pluggable scanner API's scan types and the MIME types of its messages. */
final class ScanTypes {
    static final String VULNERABILITY = "vulnerability";
    static final String SBOM = "sbom";

    static final String METADATA = "application/vnd.scanner.adapter.metadata+json; version=1.0";
    static final String SCAN_REQUEST = "application/vnd.scanner.adapter.scan.request+json; version=1.0";
    static final String SCAN_RESPONSE = "application/vnd.scanner.adapter.scan.response+json; version=1.0";
    /** Harbor's native vulnerability report; adapters answer 1.0 or 1.1 for it. */
    static final String NATIVE_REPORT = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

    static final String NATIVE_REPORT_1_1 = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.1";
    /** The generic vulnerability report with CVSS and more (Harbor 2.2+ prefers it when offered). */
    static final String GENERIC_REPORT = "application/vnd.security.vulnerability.report; version=1.1";

    /** The pluggable scanner API v1.2's SBOM report (the SBOM itself in its {@code sbom} field). */
    static final String SBOM_REPORT = "application/vnd.security.sbom.report+json; version=1.0";

    static final String SPDX_JSON = "application/spdx+json";
    static final String CYCLONEDX_JSON = "application/vnd.cyclonedx+json";

    private ScanTypes() {}

    /**
     * Whether Harbor's {@code X-Accept-Vulnerabilities} asks for the native report: it does when
     * absent or when it lists no type Harbor knows (Harbor then falls back to the native one).
     */
    static boolean acceptsNative(String header) {
        if (header == null) {
            return true;
        }
        boolean anyKnown = false;
        for (String part : header.split(",")) {
            String type = part.trim();
            if (type.equals(NATIVE_REPORT)) {
                return true;
            }
            anyKnown |= type.equals(GENERIC_REPORT);
        }
        return !anyKnown;
    }

    /** Whether a produced MIME type is a vulnerability report Berth can read. */
    static boolean isVulnerabilityReport(String mimeType) {
        return mimeType.equals(NATIVE_REPORT) || mimeType.equals(NATIVE_REPORT_1_1) || mimeType.equals(GENERIC_REPORT);
    }
}
