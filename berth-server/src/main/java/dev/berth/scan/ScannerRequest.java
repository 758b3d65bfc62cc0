package dev.berth.scan;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Harbor's {@code ScannerRegistrationReq} (create and update) and {@code ScannerRegistrationSettings}
 * (ping): the same fields, the latter a subset. Fields a client echoes from a GET are ignored.
 */
record ScannerRequest(
        String name,
        String description,
        String url,
        String auth,
        String accessCredential,
        @JsonProperty("skip_certVerify") Boolean skipCertVerify,
        Boolean useInternalAddr,
        Boolean disabled) {}
