package dev.berth.artifact;

import java.util.List;
import java.util.Map;

/**
 * The extension point for Harbor's {@code scan_overview} of artifacts ({@code with_scan_overview}):
 * implemented above the core by the scan package, which owns the reports. The core only places
 * the JSON it is given.
 */
public interface ScanOverviews {
    /**
     * The {@code scan_overview} object of each of the project's artifacts that has one, as JSON
     * text, by artifact id; artifacts never scanned are left out.
     */
    Map<Long, String> of(long projectId, List<Long> artifactIds);

    /**
     * The {@code sbom_overview} object ({@code with_sbom_overview}) of each of the project's
     * artifacts that has had an SBOM generated, as JSON text, by artifact id.
     */
    default Map<Long, String> sbomOf(long projectId, List<Long> artifactIds) {
        return Map.of();
    }
}
