package dev.berth.signature;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A keyless identity a project trusts: the OIDC issuer that Fulcio recorded in the signing
 * certificate and the certificate's subject (its first SAN: an e-mail address, a URI such as a
 * GitHub workflow, ...), each given exactly or as a regular expression that must match the whole
 * value (cosign's {@code --certificate-identity(-regexp)} and {@code --certificate-oidc-issuer(-regexp)}).
 */
record KeylessIdentity(
        long id,
        String name,
        Optional<String> issuer,
        Optional<String> issuerRegex,
        Optional<String> subject,
        Optional<String> subjectRegex) {
    static final int MAX_VALUE = 1024;
    static final int MAX_PATTERN = 512;

    /** Validates what a user gave: exactly one of issuer / issuer_regex and of subject / subject_regex. */
    static KeylessIdentity of(
            long id, String name, String issuer, String issuerRegex, String subject, String subjectRegex) {
        Optional<String> i = present(issuer),
                ir = present(issuerRegex),
                s = present(subject),
                sr = present(subjectRegex);
        if (i.isPresent() == ir.isPresent()) {
            throw new IllegalArgumentException("give exactly one of issuer and issuer_regex");
        }
        if (s.isPresent() == sr.isPresent()) {
            throw new IllegalArgumentException("give exactly one of subject and subject_regex");
        }
        for (Optional<String> v : java.util.List.of(i, s)) {
            if (v.isPresent() && v.get().length() > MAX_VALUE) {
                throw new IllegalArgumentException("issuer and subject are at most " + MAX_VALUE + " characters");
            }
        }
        for (Optional<String> p : java.util.List.of(ir, sr)) {
            if (p.isPresent()) {
                if (p.get().length() > MAX_PATTERN) {
                    throw new IllegalArgumentException("a pattern is at most " + MAX_PATTERN + " characters");
                }
                try {
                    Pattern.compile(p.get());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription());
                }
            }
        }
        return new KeylessIdentity(id, name, i, ir, s, sr);
    }

    boolean matches(String certIssuer, String certSubject) {
        return matches(issuer, issuerRegex, certIssuer) && matches(subject, subjectRegex, certSubject);
    }

    boolean issuerMatches(String certIssuer) {
        return matches(issuer, issuerRegex, certIssuer);
    }

    private static boolean matches(Optional<String> exact, Optional<String> regex, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE) {
            return false;
        }
        if (exact.isPresent()) {
            return exact.get().equals(value);
        }
        return regex.map(r -> bounded(r, value)).orElse(false);
    }

    /** Steps a pattern may take on one value: a backtracking pattern gives up (no match) instead of spinning. */
    static final int MAX_STEPS = 1_000_000;

    private static boolean bounded(String regex, String value) {
        try {
            return Pattern.compile(regex).matcher(new Budget(value, MAX_STEPS)).matches();
        } catch (Budget.Exhausted e) {
            return false;
        }
    }

    /** A value whose characters may be read a bounded number of times in all. */
    private static final class Budget implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String value;
        private final int[] left;

        Budget(String value, int steps) {
            this(value, new int[] {steps});
        }

        private Budget(String value, int[] left) {
            this.value = value;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return value.charAt(index);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budget(value.substring(start, end), left);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    private static Optional<String> present(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
