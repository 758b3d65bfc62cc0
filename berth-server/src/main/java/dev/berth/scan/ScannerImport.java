package dev.berth.scan;

import dev.berth.api.ApiException;
import org.springframework.stereotype.Service;

/**
 * Scanner registrations brought from elsewhere (Harbor's {@code scanner_registration}): created
 * through the same checks as the API's (name, URL and the outbound rules, auth type), the access
 * credential sealed at rest. Known by name; the default follows Berth's rule (the first enabled
 * registration becomes it).
 */
@Service
public class ScannerImport {
    private final Scanners scanners;
    private final ScannerRecords records;

    ScannerImport(Scanners scanners, ScannerRecords records) {
        this.scanners = scanners;
        this.records = records;
    }

    public sealed interface Result {
        record Created(String uuid) implements Result {}

        record Existing() implements Result {}

        record Refused(String reason) implements Result {}
    }

    public boolean exists(String name) {
        return records.named(name.trim());
    }

    public Result create(
            String name,
            String description,
            String url,
            String auth,
            String accessCredential,
            boolean skipCertVerify,
            boolean useInternalAddr,
            boolean disabled) {
        if (name != null && exists(name)) {
            return new Result.Existing();
        }
        try {
            return new Result.Created(scanners.create(new ScannerRequest(
                    name, description, url, auth, accessCredential, skipCertVerify, useInternalAddr, disabled)));
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
