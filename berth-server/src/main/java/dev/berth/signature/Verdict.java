package dev.berth.signature;

import java.util.Optional;

/**
 * What verifying one artifact's signatures found.
 *
 * @param kind the kind of the signature that verified, or of the one the reason is about
 * @param keyName the trusted key that verified it
 * @param signature the digest of the signature manifest
 * @param reason why it is verified, or why not, in a sentence a user can act on
 */
record Verdict(
        boolean verified, Optional<String> kind, Optional<String> keyName, Optional<String> signature, String reason) {

    static Verdict verified(String kind, String keyName, String signature, String reason) {
        return new Verdict(true, Optional.of(kind), Optional.of(keyName), Optional.of(signature), reason);
    }

    static Verdict refused(String reason) {
        return new Verdict(false, Optional.empty(), Optional.empty(), Optional.empty(), reason);
    }

    static Verdict refused(String kind, String signature, String reason) {
        return new Verdict(false, Optional.of(kind), Optional.empty(), Optional.of(signature), reason);
    }
}
