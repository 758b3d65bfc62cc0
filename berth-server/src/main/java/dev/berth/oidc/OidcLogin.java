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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Harbor's {@code oidc_auth} users: who an ID token names (subject and issuer, the user name from
 * {@code oidc_user_claim} or {@code name}, email, the groups of {@code oidc_groups_claim} kept by
 * {@code oidc_group_filter}), their onboarding, their groups recorded as OIDC user groups, and
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

    Identity identify(OidcConfig config, JWTClaimsSet claims) {
        try {
            String username = "";
            String claim = config.userClaim().isEmpty() ? "name" : config.userClaim();
            Object u = claims.getClaim(claim);
            if (u instanceof String s) {
                username = s.trim().replace(' ', '_');
            }
            String email = claims.getClaim("email") instanceof String e ? e : "";
            List<String> all = groupsOf(config, claims);
            boolean admin = !config.adminGroup().isEmpty() && all.contains(config.adminGroup());
            return new Identity(claims.getSubject(), claims.getIssuer(), username, email, filtered(config, all), admin);
        } catch (RuntimeException e) {
            throw new OidcException("the ID token's claims cannot be read");
        }
    }

    private static List<String> groupsOf(OidcConfig config, JWTClaimsSet claims) {
        if (config.groupsClaim().isEmpty()) {
            return List.of();
        }
        Object v = claims.getClaim(config.groupsClaim());
        Set<String> names = new LinkedHashSet<>();
        if (v instanceof String s) {
            names.add(s);
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isBlank() && s.length() <= 255) {
                    names.add(s);
                }
            }
        }
        return List.copyOf(names);
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
            if (!fresh.idToken().isEmpty()) {
                Identity seen = identify(config, provider.verify(config, fresh.idToken(), null));
                if (!seen.subiss().equals(meta.get().subiss())) {
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
