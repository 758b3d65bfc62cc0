package dev.berth.scan;

import java.time.Instant;
import java.util.Optional;

/**
 * A scanner registration as stored.
 *
 * @param auth {@code ""}, {@code Basic}, {@code Bearer} or {@code APIKey} (Harbor's names)
 * @param sealedCredential the access credential sealed with {@code SecretBox}, if any
 * @param immutable Harbor's flag for a registration that cannot be edited or deleted (the built-in
 *     scanner's)
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
        boolean immutable,
        Instant createTime,
        Instant updateTime) {

    /** The SecretBox context of this registration's credential: a sealed value moved to another row fails to open. */
    /** This registration as the default (or not): the built-in scanner's row is the default by rule, not by flag. */
    ScannerRegistration asDefault(boolean now) {
        return new ScannerRegistration(
                id,
                uuid,
                name,
                description,
                url,
                auth,
                sealedCredential,
                skipCertVerify,
                useInternalAddr,
                disabled,
                now,
                immutable,
                createTime,
                updateTime);
    }

    static String credentialContext(String uuid) {
        return "scanner:" + uuid;
    }
}
