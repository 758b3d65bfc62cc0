package dev.berth.preheat;

import java.util.Optional;

/**
 * A P2P provider Berth can tell to preheat images (Harbor's driver): its metadata, a health check,
 * starting a preheat and reading its progress. Drivers speak to the provider only through the
 * {@link ProviderEndpoint} they are given, which carries the SSRF-checked client and the instance's
 * credentials; a driver never sees how those are stored.
 */
interface ProviderDriver {
    ProviderMetadata metadata();

    /** Throws {@link ProviderException} unless the provider answers its health endpoint with 2xx. */
    void checkHealth(ProviderEndpoint endpoint);

    /** Asks the provider to preheat {@code image}; the answer names the provider's job, if it has one. */
    Progress preheat(ProviderEndpoint endpoint, PreheatImage image);

    /** The state of a job that {@link #preheat} started. */
    Progress progress(ProviderEndpoint endpoint, String jobId);

    /** A provider job's state, in Harbor's words. */
    enum State {
        PENDING,
        RUNNING,
        SUCCESS,
        FAIL;

        boolean done() {
            return this == SUCCESS || this == FAIL;
        }
    }

    /**
     * @param jobId the provider's id of the job
     * @param message what the provider reported (its result table, its error), for the task log
     */
    record Progress(String jobId, State state, Optional<String> message) {}
}
