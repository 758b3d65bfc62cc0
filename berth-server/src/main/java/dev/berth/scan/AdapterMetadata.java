package dev.berth.scan;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pluggable scanner API's {@code ScannerAdapterMetadata} (v1.1, with v1.2's capability
 * {@code type}), which is also Harbor's {@code ScannerAdapterMetadata} on {@code /scanners/{id}/metadata}.
 */
record AdapterMetadata(Scanner scanner, List<Capability> capabilities, Map<String, String> properties) {
    AdapterMetadata {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        scanner = scanner == null ? new Scanner("", "", "") : scanner;
    }

    record Scanner(String name, String vendor, String version) {}

    /**
     * @param type {@code vulnerability} or {@code sbom} (v1.2); absent in v1.1, meaning vulnerability
     * @param additionalAttributes v1.2: the SBOM formats an {@code sbom} capability writes
     */
    record Capability(
            String type,
            List<String> consumesMimeTypes,
            List<String> producesMimeTypes,
            // Read from adapters; Harbor's ScannerCapability has no such field, so never written.
            @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
            Attributes additionalAttributes) {
        Capability {
            consumesMimeTypes = consumesMimeTypes == null ? List.of() : List.copyOf(consumesMimeTypes);
            producesMimeTypes = producesMimeTypes == null ? List.of() : List.copyOf(producesMimeTypes);
        }

        Capability(String type, List<String> consumesMimeTypes, List<String> producesMimeTypes) {
            this(type, consumesMimeTypes, producesMimeTypes, null);
        }

        /** The SBOM media types offered; SPDX when the adapter names none (all Harbor asks for). */
        List<String> sbomMediaTypes() {
            return additionalAttributes == null
                            || additionalAttributes.sbomMediaTypes() == null
                            || additionalAttributes.sbomMediaTypes().isEmpty()
                    ? List.of(ScanTypes.SPDX_JSON)
                    : additionalAttributes.sbomMediaTypes();
        }

        String typeOrDefault() {
            return type == null || type.isEmpty() ? ScanTypes.VULNERABILITY : type;
        }
    }

    /** v1.2's capability attributes. */
    record Attributes(List<String> sbomMediaTypes) {}

    /** The capability for this artifact MIME type and scan type, if the adapter has one. */
    java.util.Optional<Capability> capability(String artifactMimeType, String scanType) {
        return capabilities.stream()
                .filter(c -> c.typeOrDefault().equals(scanType)
                        && c.consumesMimeTypes().contains(artifactMimeType))
                .findFirst();
    }

    /** Harbor's {@code capabilities} of a registration: {@code support_vulnerability}, {@code support_sbom}. */
    Map<String, Object> capabilityFlags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(
                "support_vulnerability",
                capabilities.stream().anyMatch(c -> c.typeOrDefault().equals(ScanTypes.VULNERABILITY)));
        flags.put(
                "support_sbom",
                capabilities.stream().anyMatch(c -> c.typeOrDefault().equals(ScanTypes.SBOM)));
        return flags;
    }
}
