package dev.berth.scan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Harbor's {@code ScannerRegistration} as the API returns it. The access credential is write-only:
 * Harbor returns it masked, Berth returns {@code ""} whether one is set or not, and never the value.
 * {@code adapter}, {@code vendor}, {@code version}, {@code health} and {@code capabilities} are
 * filled only where Harbor pings the adapter (the project's scanner).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ScannerView(
        String uuid,
        String name,
        String description,
        String url,
        boolean disabled,
        boolean isDefault,
        String auth,
        String accessCredential,
        @JsonProperty("skip_certVerify") boolean skipCertVerify,
        boolean useInternalAddr,
        Instant createTime,
        Instant updateTime,
        String adapter,
        String vendor,
        String version,
        String health,
        Map<String, Object> capabilities) {

    static ScannerView of(ScannerRegistration r) {
        return new ScannerView(
                r.uuid(),
                r.name(),
                r.description(),
                r.url(),
                r.disabled(),
                r.isDefault(),
                r.auth(),
                "",
                r.skipCertVerify(),
                r.useInternalAddr(),
                r.createTime(),
                r.updateTime(),
                null,
                null,
                null,
                null,
                null);
    }

    /** With the adapter's capabilities, when it answered (Harbor's list and get). */
    ScannerView withCapabilities(Optional<AdapterMetadata> metadata) {
        return metadata.map(m -> with(null, null, null, null, m.capabilityFlags()))
                .orElse(this);
    }

    /** With what a ping of the adapter found: its identity and capabilities, or {@code unhealthy}. */
    ScannerView withHealth(Optional<AdapterMetadata> metadata) {
        return metadata.map(m -> with(
                        m.scanner().name(),
                        m.scanner().vendor(),
                        m.scanner().version(),
                        "healthy",
                        m.capabilityFlags()))
                .orElseGet(() -> with(null, null, null, "unhealthy", null));
    }

    private ScannerView with(
            String adapter, String vendor, String version, String health, Map<String, Object> capabilities) {
        return new ScannerView(
                uuid,
                name,
                description,
                url,
                disabled,
                isDefault,
                auth,
                accessCredential,
                skipCertVerify,
                useInternalAddr,
                createTime,
                updateTime,
                adapter,
                vendor,
                version,
                health,
                capabilities);
    }
}
