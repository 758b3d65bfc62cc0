package dev.berth.scan;

import dev.berth.registry.MediaTypes;
import dev.berth.scan.builtin.BuiltinScanner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in scanner as a registration: not a row (it cannot be edited, deleted or set aside),
 * and the scanner of every project when no adapter is registered, so a Berth with no other service
 * scans and writes SBOMs out of the box. Its reports are stored under {@link #UUID} like any
 * adapter's; registering an adapter makes that adapter the default, and the built-in reports
 * stale in the way another scanner's are.
 */
final class BuiltinRegistration {
    static final String UUID = "berth-builtin";
    static final String URL = "builtin://berth";

    static final ScannerRegistration REGISTRATION = new ScannerRegistration(
            0,
            UUID,
            BuiltinScanner.NAME,
            "Scans images in process: catalogues their packages from the layers (OS packages, Java, npm,"
                    + " Python, Go, Rust, Ruby), writes CycloneDX and SPDX SBOMs, and matches them against"
                    + " the vulnerability database when one is loaded.",
            URL,
            "",
            Optional.empty(),
            false,
            false,
            false,
            true,
            Instant.EPOCH,
            Instant.EPOCH);

    private BuiltinRegistration() {}

    static boolean is(ScannerRegistration r) {
        return UUID.equals(r.uuid());
    }

    static AdapterMetadata metadata(String version) {
        List<String> images = List.of(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
        return new AdapterMetadata(
                new AdapterMetadata.Scanner(BuiltinScanner.NAME, BuiltinScanner.VENDOR, version),
                List.of(
                        new AdapterMetadata.Capability(
                                ScanTypes.VULNERABILITY,
                                images,
                                List.of(ScanTypes.NATIVE_REPORT_1_1, ScanTypes.GENERIC_REPORT)),
                        new AdapterMetadata.Capability(
                                ScanTypes.SBOM,
                                images,
                                List.of(ScanTypes.SBOM_REPORT),
                                new AdapterMetadata.Attributes(
                                        List.of(ScanTypes.SPDX_JSON, ScanTypes.CYCLONEDX_JSON)))),
                Map.of(
                        "harbor.scanner-adapter/scanner-type", "os-package-vulnerability",
                        "harbor.scanner-adapter/registry-authorization-type", "none"));
    }
}
