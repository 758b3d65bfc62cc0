package dev.berth.scan;

import dev.berth.registry.MediaTypes;
import dev.berth.scan.builtin.BuiltinScanner;
import java.util.List;
import java.util.Map;

/**
 * The built-in scanner as a registration: a row of {@code scanner_registration} (migration V155)
 * marked immutable, so it is listed, filtered and chosen per project like an adapter but cannot be
 * edited or deleted, as Harbor treats the Trivy it installs. It is every project's scanner while
 * no adapter is the default and {@code berth.scan.builtin-default} is on; with that setting off it
 * is hidden, as if not installed. Its reports are stored under {@link #UUID} like any adapter's.
 */
final class BuiltinRegistration {
    static final String UUID = "berth-builtin";

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
