package dev.berth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.iam.DirectoryLogin;
import dev.berth.iam.DirectoryMemberships;
import dev.berth.iam.PasswordRules;
import dev.berth.iam.Principal;
import dev.berth.iam.Sessions;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.usergroup.UserGroupRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Harbor's {@code oidc_auth} users: who the ID token and the provider's userinfo endpoint name
 * (subject and issuer, the user name from {@code oidc_user_claim} or {@code name}, email, the groups
 * of {@code oidc_groups_claim} kept by {@code oidc_group_filter}), their onboarding, their groups recorded as OIDC user groups, and
 * their CLI secrets, which registry clients present as the password: a secret is accepted only while
 * the user's session at the provider lives, checked by refreshing the user's token at the provider
 * when the access token has expired or {@code berth.oidc.session-check} has passed since the last
 * check, as Harbor does; a refresh token the provider no longer honours ends the secret's use.
 */
@Service
class OidcLogin implements DirectoryLogin {
    private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);
    /** Stored for OIDC users instead of a password hash: it matches no password. */
    static final String NO_LOCAL_PASSWORD = "!directory";

    static final String COMMENT = "Onboarded via OIDC provider";

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final OidcUsers oidcUsers;
    private final UserRecords users;
    private final UserGroupRecords groups;
    private final DirectoryMemberships memberships;
    private final Sessions sessions;
    private final TransactionTemplate tx;
    private final Clock clock;

    OidcLogin(
            OidcSettings settings,
            OidcProvider provider,
            OidcUsers oidcUsers,
            UserRecords users,
            UserGroupRecords groups,
            DirectoryMemberships memberships,
            Sessions sessions,
            TransactionTemplate tx,
            Clock clock) {
        this.settings = settings;
        this.provider = provider;
        this.oidcUsers = oidcUsers;
        this.users = users;
        this.groups = groups;
        this.memberships = memberships;
        this.sessions = sessions;
        this.tx = tx;
        this.clock = clock;
    }

    /** Who the provider says signed in. */
    record Identity(String subject, String issuer, String username, String email, List<String> groups, boolean admin) {
        String subiss() {
            return subject + issuer;
        }
    }

    /**
     * What one source says of the user: the ID token or the userinfo endpoint. {@code claimed} is the
     * {@code oidc_user_claim} value, {@code name} the user name it gives ({@code claimed}, else the
     * {@code name} claim), {@code groups} empty when the source has no groups claim at all.
     */
    private record Said(
            String subject, String issuer, String claimed, String name, String email, Optional<List<String>> groups) {}

    private static Said said(OidcConfig config, Map<String, Object> claims) {
        String subject = claims.get("sub") instanceof String s ? s : "";
        String issuer = claims.get("iss") instanceof String s ? s : "";
        String claimed = "";
        if (!config.userClaim().isEmpty() && claims.get(config.userClaim()) instanceof String s) {
            claimed = s;
        }
        String name = !claimed.isEmpty() ? claimed : claims.get("name") instanceof String s ? s : "";
        String email = claims.get("email") instanceof String e ? e : "";
        return new Said(subject, issuer, claimed, name, email, groupsOf(config, claims));
    }

    /**
     * Who signed in, as Harbor's {@code UserInfoFromToken} decides it: the ID token's claims, and
     * those of the provider's userinfo endpoint asked with the access token (a failure there is a
     * warning and the ID token alone counts). When both answer, their subjects must be the same,
     * the email is the userinfo endpoint's, the user name is the ID token's {@code oidc_user_claim},
     * else the userinfo endpoint's, else the ID token's {@code name}, and the groups are the userinfo
     * endpoint's when it has the groups claim, else the ID token's. {@code claims} may be null (a
     * refresh without an ID token): then the userinfo endpoint alone counts.
     */
    Identity identify(OidcConfig config, JWTClaimsSet claims, String accessToken) {
        Said local;
        try {
            local = claims == null ? null : said(config, claims.getClaims());
        } catch (RuntimeException e) {
            throw new OidcException("the ID token's claims cannot be read");
        }
        Said remote = null;
        try {
            remote = provider.userInfo(config, accessToken)
                    .map(c -> said(config, c))
                    .orElse(null);
        } catch (OidcException e) {
            log.warn("event=oidc_userinfo_failed reason=\"{}\"", e.getMessage());
        }
        Said merged;
        if (local != null && remote != null) {
            if (!remote.subject().equals(local.subject())) {
                throw new OidcException("the subject from userinfo does not match the subject from the ID token");
            }
            String name = !local.claimed().isEmpty()
                    ? local.claimed()
                    : !remote.name().isEmpty() ? remote.name() : local.name();
            merged = new Said(
                    local.subject(),
                    local.issuer(),
                    local.claimed(),
                    name,
                    remote.email(),
                    remote.groups().isPresent() ? remote.groups() : local.groups());
        } else if (local != null) {
            merged = local;
        } else if (remote != null) {
            merged = new Said(
                    remote.subject(),
                    provider.discovery(config).issuer(),
                    remote.claimed(),
                    remote.name(),
                    remote.email(),
                    remote.groups());
        } else {
            throw new OidcException("failed to get userinfo from both remote and ID token");
        }
        if (merged.subject().isEmpty()) {
            throw new OidcException("the provider named no subject");
        }
        List<String> all = merged.groups().orElse(List.of());
        boolean admin = !config.adminGroup().isEmpty() && all.contains(config.adminGroup());
        return new Identity(
                merged.subject(),
                merged.issuer(),
                merged.name().trim().replace(' ', '_'),
                merged.email(),
                filtered(config, all),
                admin);
    }

    private static Optional<List<String>> groupsOf(OidcConfig config, Map<String, Object> claims) {
        if (config.groupsClaim().isEmpty() || !claims.containsKey(config.groupsClaim())) {
            return Optional.empty();
        }
        Object v = claims.get(config.groupsClaim());
        Set<String> names = new LinkedHashSet<>();
        if (v instanceof String s) {
            names.add(s);
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isBlank() && s.length() <= 255) {
                    names.add(s);
                }
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(names));
    }

    /** Harbor's {@code oidc_group_filter}: only groups whose name the expression finds are kept. */
    private static List<String> filtered(OidcConfig config, List<String> names) {
        if (config.groupFilter().isEmpty()) {
            return names;
        }
        try {
            Pattern p = Pattern.compile(config.groupFilter());
            return names.stream().filter(n -> p.matcher(n).find()).toList();
        } catch (PatternSyntaxException e) {
            return names;
        }
    }

    /** The onboarded user of this identity, if any. */
    Optional<UserAccount> existing(Identity id) {
        return oidcUsers.userBySubIss(id.subiss()).flatMap(users::find);
    }

    /** Signs in an onboarded user: keeps the new tokens and records their groups now. */
    Principal.User signIn(UserAccount account, Identity id, OidcProvider.Tokens tokens) {
        oidcUsers.updateTokens(account.id(), tokens, clock.instant());
        return record(account, id);
    }

    /**
     * Onboards the user under {@code username}: a local account without a password, the OIDC record
     * with a fresh CLI secret; empty when the name (or the email) is taken.
     */
    Optional<Principal.User> onboard(Identity id, String username, OidcProvider.Tokens tokens) {
        Optional<UserAccount> created = tx.execute(status -> {
            if (users.findBySameName(username).isPresent()) {
                return Optional.<UserAccount>empty();
            }
            String email = id.email().isEmpty() || users.findByEmail(id.email()).isPresent() ? null : id.email();
            long userId = users.insert(username, email, username, COMMENT, NO_LOCAL_PASSWORD, false);
            oidcUsers.insert(userId, id.subiss(), PasswordRules.generate(32), tokens, clock.instant());
            return users.find(userId);
        });
        created.ifPresent(a -> log.info("event=oidc_user_onboarded user={}", a.username()));
        return created.map(a -> record(a, id));
    }

    private Principal.User record(UserAccount account, Identity id) {
        List<Long> groupIds = groups.oidcGroupIds(id.groups());
        memberships.record(account.id(), groupIds, id.admin(), clock.instant().plus(sessions.timeout()));
        log.info(
                "event=oidc_login user={} groups={} directory_admin={}",
                account.username(),
                groupIds.size(),
                id.admin());
        return new Principal.User(account.id(), account.username(), account.sysadmin() || id.admin());
    }

    @Override
    public boolean active() {
        return settings.active();
    }

    /** A CLI secret presented as the password (registry clients, Basic auth). */
    @Override
    public Outcome login(String username, String secret) {
        Optional<UserAccount> account = users.findByName(username);
        if (account.isEmpty() || secret.isEmpty()) {
            return new Outcome.Refused();
        }
        long userId = account.get().id();
        Optional<OidcUsers.Meta> meta = oidcUsers.meta(userId);
        if (meta.isEmpty() || !PasswordRules.constantTimeEquals(meta.get().secret(), secret)) {
            return new Outcome.Refused();
        }
        OidcUsers.Stored stored = oidcUsers.tokens(userId).orElseThrow();
        Instant now = clock.instant();
        Instant due = stored.checkedAt().plus(settings.sessionCheck());
        if (stored.accessExpiry().isBefore(due)) {
            due = stored.accessExpiry();
        }
        if (now.isBefore(due)) {
            return new Outcome.Success(memberships.principal(account.get()));
        }
        if (stored.refreshToken().isEmpty()) {
            log.info("event=oidc_cli_secret_refused user={} reason=no_refresh_token", username);
            return new Outcome.Refused();
        }
        try {
            OidcConfig config = settings.current();
            OidcProvider.Tokens fresh = provider.refresh(config, stored.refreshToken());
            Identity id = null;
            JWTClaimsSet claims = fresh.idToken().isEmpty() ? null : provider.verify(config, fresh.idToken(), null);
            if (claims != null || !fresh.accessToken().isEmpty()) {
                Identity seen;
                try {
                    seen = identify(config, claims, fresh.accessToken());
                } catch (OidcException e) {
                    if (claims != null) {
                        log.warn("event=oidc_cli_secret_refused user={} reason=\"{}\"", username, e.getMessage());
                        return new Outcome.Refused();
                    }
                    // Neither an ID token nor a userinfo answer: the session lives, the groups stay.
                    seen = null;
                }
                if (seen != null && !seen.subiss().equals(meta.get().subiss())) {
                    log.warn("event=oidc_cli_secret_refused user={} reason=subject_changed", username);
                    return new Outcome.Refused();
                }
                id = seen;
            }
            oidcUsers.updateTokens(userId, fresh, now);
            if (id != null) {
                return new Outcome.Success(record(account.get(), id));
            }
            return new Outcome.Success(memberships.principal(account.get()));
        } catch (OidcProvider.Refused e) {
            log.info("event=oidc_cli_secret_refused user={} reason=refresh_refused", username);
            return new Outcome.Refused();
        } catch (OidcException e) {
            return new Outcome.Unavailable("the OIDC provider cannot confirm the session: " + e.getMessage());
        }
    }

    @Override
    public boolean portalPasswords() {
        return false;
    }
}
