package dev.berth.signature;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Notary Project trust policy document (version 1.0) as the Notary Project's trust store and trust
 * policy specification defines it, validated: one policy per repository scope, each naming its
 * verification level (with overrides), trust stores ({@code ca:<name>} or {@code
 * signingAuthority:<name>}) and trusted identities ({@code *} or {@code x509.subject: <DN>}).
 *
 * <p>In Berth a registry scope is a repository of the project ({@code <project>/<repository>}, no
 * registry host: the registry is this one) or {@code *} for all of the project's repositories.
 */
record NotaryTrustPolicy(String version, List<Entry> trustPolicies) {
    static final int MAX_POLICIES = 64;
    static final String ANY = "*";
    private static final String SUBJECT_PREFIX = "x509.subject:";

    static final int MAX_DOCUMENT = 64 * 1024;
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    NotaryTrustPolicy {
        trustPolicies = trustPolicies == null ? List.of() : List.copyOf(trustPolicies);
    }

    /** An empty document: no repository has a Notary trust policy. */
    static NotaryTrustPolicy empty() {
        return new NotaryTrustPolicy("1.0", List.of());
    }

    /** Reads a document (unknown fields refused); {@link IllegalArgumentException} when it is not one. */
    static NotaryTrustPolicy parse(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException(
                    "a Notary trust policy document {\"version\": \"1.0\", \"trustPolicies\": [...]} is required");
        }
        if (json.length() > MAX_DOCUMENT) {
            throw new IllegalArgumentException("the document is longer than " + MAX_DOCUMENT + " characters");
        }
        try {
            NotaryTrustPolicy document = STRICT.readValue(json, NotaryTrustPolicy.class);
            if (document == null) {
                throw new IllegalArgumentException("the document is empty");
            }
            return document;
        } catch (JacksonException e) {
            String why = String.valueOf(e.getOriginalMessage());
            throw new IllegalArgumentException("the document is not a Notary trust policy: "
                    + (why.length() > 200 ? why.substring(0, 200) + "…" : why));
        }
    }

    String json() {
        return STRICT.writeValueAsString(this);
    }

    /** One trust policy of the document, with the JSON field names of the specification. */
    record Entry(
            String name,
            List<String> registryScopes,
            Verification signatureVerification,
            List<String> trustStores,
            List<String> trustedIdentities) {
        Entry {
            registryScopes = registryScopes == null ? List.of() : List.copyOf(registryScopes);
            trustStores = trustStores == null ? List.of() : List.copyOf(trustStores);
            trustedIdentities = trustedIdentities == null ? List.of() : List.copyOf(trustedIdentities);
        }

        /** What to do with each check's failure under this entry's level and overrides. */
        Map<Check, Action> actions() {
            Level level = Level.of(signatureVerification.level()).orElseThrow();
            Map<Check, Action> actions = new EnumMap<>(Check.class);
            for (Check c : Check.values()) {
                actions.put(c, level.action(c));
            }
            if (signatureVerification.override() != null) {
                signatureVerification
                        .override()
                        .forEach((check, action) -> actions.put(
                                Check.of(check).orElseThrow(), Action.of(action).orElseThrow()));
            }
            return actions;
        }

        boolean skips() {
            return Level.of(signatureVerification.level()).orElseThrow() == Level.SKIP;
        }

        boolean anyIdentity() {
            return trustedIdentities.contains(ANY);
        }

        /** The trusted identities as attribute sets (type upper-case → value). */
        List<Map<String, String>> identities() {
            List<Map<String, String>> out = new ArrayList<>();
            for (String identity : trustedIdentities) {
                if (!identity.equals(ANY)) {
                    out.add(distinguishedName(
                                    identity.substring(SUBJECT_PREFIX.length()).trim())
                            .orElseThrow());
                }
            }
            return out;
        }
    }

    record Verification(String level, Map<String, String> override) {}

    enum Level {
        STRICT,
        PERMISSIVE,
        AUDIT,
        SKIP;

        static Optional<Level> of(String wire) {
            for (Level l : values()) {
                if (l.name().toLowerCase(Locale.ROOT).equals(wire)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }

        /** The specification's table of what each level does with each check. */
        Action action(Check check) {
            return switch (this) {
                case STRICT -> Action.ENFORCE;
                case PERMISSIVE ->
                    check == Check.INTEGRITY || check == Check.AUTHENTICITY ? Action.ENFORCE : Action.LOG;
                case AUDIT -> check == Check.INTEGRITY ? Action.ENFORCE : Action.LOG;
                case SKIP -> Action.SKIP;
            };
        }
    }

    enum Check {
        INTEGRITY("integrity"),
        AUTHENTICITY("authenticity"),
        AUTHENTIC_TIMESTAMP("authenticTimestamp"),
        EXPIRY("expiry"),
        REVOCATION("revocation");

        final String wire;

        Check(String wire) {
            this.wire = wire;
        }

        static Optional<Check> of(String wire) {
            for (Check c : values()) {
                if (c.wire.equals(wire)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    enum Action {
        ENFORCE,
        LOG,
        SKIP;

        static Optional<Action> of(String wire) {
            for (Action a : values()) {
                if (a.name().toLowerCase(Locale.ROOT).equals(wire)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** A trust store reference {@code <type>:<name>}. */
    record StoreRef(String type, String name) {
        static Optional<StoreRef> parse(String ref) {
            int colon = ref.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            String type = ref.substring(0, colon);
            String name = ref.substring(colon + 1);
            if (!NotationTrustStore.TYPES.contains(type)
                    || !NotationTrustStore.NAME.matcher(name).matches()) {
                return Optional.empty();
            }
            return Optional.of(new StoreRef(type, name));
        }

        @Override
        public String toString() {
            return type + ":" + name;
        }
    }

    /** The entry for a repository: the one naming it exactly, else the wildcard one. */
    Optional<Entry> forRepository(String repository) {
        Optional<Entry> wildcard = Optional.empty();
        for (Entry e : trustPolicies) {
            if (e.registryScopes().contains(repository)) {
                return Optional.of(e);
            }
            if (e.registryScopes().contains(ANY)) {
                wildcard = Optional.of(e);
            }
        }
        return wildcard;
    }

    /**
     * Checks the document as the specification requires, and that every scope is a repository of
     * {@code project}; {@link IllegalArgumentException} with a reason fit for a 400 otherwise.
     */
    void validate(String project) {
        if (!"1.0".equals(version)) {
            throw new IllegalArgumentException("version must be \"1.0\"");
        }
        if (trustPolicies.size() > MAX_POLICIES) {
            throw new IllegalArgumentException("at most " + MAX_POLICIES + " trust policies");
        }
        Set<String> names = new HashSet<>();
        Set<String> scopes = new HashSet<>();
        for (Entry e : trustPolicies) {
            if (e == null
                    || e.name() == null
                    || !NotationTrustStore.NAME.matcher(e.name()).matches()) {
                throw new IllegalArgumentException(
                        "every trust policy needs a name: 1 to 64 letters, digits, '.', '_' or '-'");
            }
            String at = "trust policy " + e.name() + ": ";
            if (!names.add(e.name())) {
                throw new IllegalArgumentException(at + "the name is used twice");
            }
            if (e.registryScopes().isEmpty()) {
                throw new IllegalArgumentException(at + "registryScopes is empty");
            }
            for (String scope : e.registryScopes()) {
                if (scope == null) {
                    throw new IllegalArgumentException(at + "a registry scope is null");
                }
                if (scope.equals(ANY) && e.registryScopes().size() > 1) {
                    throw new IllegalArgumentException(at + "the wildcard scope '*' must stand alone");
                }
                if (!scope.equals(ANY) && !scope.startsWith(project + "/")) {
                    throw new IllegalArgumentException(at + "registry scope " + scope
                            + " is not a repository of project " + project + " (write <project>/<repository>)");
                }
                if (!scopes.add(scope)) {
                    throw new IllegalArgumentException(at + "registry scope " + scope + " is in two trust policies");
                }
            }
            Verification v = e.signatureVerification();
            if (v == null || Level.of(v.level()).isEmpty()) {
                throw new IllegalArgumentException(
                        at + "signatureVerification.level must be strict, permissive, audit or skip");
            }
            boolean skip = Level.of(v.level()).get() == Level.SKIP;
            if (v.override() != null && !v.override().isEmpty()) {
                if (skip) {
                    throw new IllegalArgumentException(at + "a skip level takes no override");
                }
                for (Map.Entry<String, String> o : v.override().entrySet()) {
                    Optional<Check> check = Check.of(o.getKey());
                    Optional<Action> action = Action.of(String.valueOf(o.getValue()));
                    if (check.isEmpty() || action.isEmpty()) {
                        throw new IllegalArgumentException(at + "override maps authenticity, authenticTimestamp,"
                                + " expiry or revocation to enforce, log or skip");
                    }
                    if (check.get() == Check.INTEGRITY) {
                        throw new IllegalArgumentException(at + "integrity cannot be overridden");
                    }
                    if (check.get() == Check.AUTHENTICITY && action.get() == Action.SKIP) {
                        throw new IllegalArgumentException(at + "authenticity cannot be skipped");
                    }
                }
            }
            if (skip) {
                if (!e.trustStores().isEmpty() || !e.trustedIdentities().isEmpty()) {
                    throw new IllegalArgumentException(at + "a skip level takes no trust stores or identities");
                }
                continue;
            }
            if (e.trustStores().isEmpty() || e.trustedIdentities().isEmpty()) {
                throw new IllegalArgumentException(at + "trustStores and trustedIdentities are required");
            }
            for (String store : e.trustStores()) {
                if (store == null || StoreRef.parse(store).isEmpty()) {
                    throw new IllegalArgumentException(
                            at + "trust store " + store + " is not ca:<name> or signingAuthority:<name>");
                }
            }
            for (String identity : e.trustedIdentities()) {
                if (identity == null) {
                    throw new IllegalArgumentException(at + "a trusted identity is null");
                }
                if (identity.equals(ANY)) {
                    if (e.trustedIdentities().size() > 1) {
                        throw new IllegalArgumentException(at + "the wildcard identity '*' must stand alone");
                    }
                    continue;
                }
                if (!identity.startsWith(SUBJECT_PREFIX)) {
                    throw new IllegalArgumentException(at + "trusted identity " + identity
                            + " is not '*' or 'x509.subject: <distinguished name>'");
                }
                Map<String, String> dn = distinguishedName(
                                identity.substring(SUBJECT_PREFIX.length()).trim())
                        .orElseThrow(() -> new IllegalArgumentException(
                                at + "trusted identity " + identity + " is not a distinguished name"));
                if (!dn.keySet().containsAll(List.of("C", "ST", "O"))) {
                    throw new IllegalArgumentException(
                            at + "trusted identity " + identity + " must name at least C, ST and O");
                }
            }
        }
    }

    /**
     * A distinguished name as attribute type (upper case) → value; empty when it does not parse or
     * names an attribute twice (the specification refuses repeated attributes).
     */
    static Optional<Map<String, String>> distinguishedName(String dn) {
        try {
            LdapName name = new LdapName(dn);
            Map<String, String> out = new LinkedHashMap<>();
            for (Rdn rdn : name.getRdns()) {
                String type = rdn.getType().toUpperCase(Locale.ROOT);
                if (out.put(type, String.valueOf(rdn.getValue())) != null) {
                    return Optional.empty();
                }
            }
            return out.isEmpty() ? Optional.empty() : Optional.of(out);
        } catch (InvalidNameException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
