package dev.berth.scan;

import java.time.Instant;
import java.util.Optional;

/**
 * A scanner registration as stored.
 *
 * @param auth {@code ""}, {@code Basic}, {@code Bearer} or {@code APIKey} (Harbor's names)
 * @param sealedCredential the access credential sealed with {@code SecretBox}, if any
 */
record ScannerRegistration(
        long id,
        String uuid,
        String name,
        String description,
        String url,
        String auth,
        Optional<String> sealedCredential,
        boolean skipCertVerify,
        boolean useInternalAddr,
        boolean disabled,
        boolean isDefault,
        Instant createTime,
        Instant updateTime) {

    /** The SecretBox context of this registration's credential: a sealed value moved to another row fails to open. */
    static String credentialContext(String uuid) {
        return "scanner:" + uuid;
    }
}
