package dev.berth.ldap;

import dev.berth.iam.DirectoryLogin;
import dev.berth.iam.DirectoryMemberships;
import dev.berth.iam.Principal;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.usergroup.UserGroup;
import dev.berth.usergroup.UserGroupRecords;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Harbor's {@code ldap_auth} login: find the user with the search account (exactly one entry may
 * match), bind as that entry with the given password, onboard the user on their first login
 * (username, email, real name, as Harbor maps them), and record which registered LDAP user groups
 * they are in now (directly or through nested groups) and whether one is {@code
 * ldap_group_admin_dn}, for {@code berth.ldap.group-cache}.
 */
@Service
class LdapLogin implements DirectoryLogin {
    private static final Logger log = LoggerFactory.getLogger(LdapLogin.class);
    /** Stored for directory users instead of a password hash: it matches no password. */
    static final String NO_LOCAL_PASSWORD = "!directory";
    // Harbor syncs an email only when it looks like one.
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,}$");

    private final LdapSettings settings;
    private final LdapConnector connector;
    private final UserRecords users;
    private final UserGroupRecords groups;
    private final DirectoryMemberships memberships;
    private final Clock clock;

    LdapLogin(
            LdapSettings settings,
            LdapConnector connector,
            UserRecords users,
            UserGroupRecords groups,
            DirectoryMemberships memberships,
            Clock clock) {
        this.settings = settings;
        this.connector = connector;
        this.users = users;
        this.groups = groups;
        this.memberships = memberships;
        this.clock = clock;
    }

    @Override
    public boolean active() {
        return settings.active();
    }

    @Override
    public Outcome login(String username, String password) {
        if (username.isBlank() || password.isEmpty()) {
            return new Outcome.Refused();
        }
        try {
            LdapConfig config = settings.current();
            try (LdapSession session = connector.open(config)) {
                session.bindSearchAccount();
                List<LdapEntries.User> found = session.searchUsers(username);
                if (found.size() != 1) {
                    log.info("event=ldap_login_refused principal={} entries={}", username, found.size());
                    return new Outcome.Refused();
                }
                LdapEntries.User entry = found.getFirst();
                if (entry.username().isEmpty() || !session.bindAs(entry.dn(), password)) {
                    return new Outcome.Refused();
                }
                // Group lookups run as the search account, as Harbor's do.
                session.bindSearchAccount();
                Set<String> groupDns = session.groupsOf(entry);
                UserAccount account = onboard(entry);
                boolean admin = isAdmin(config, groupDns);
                List<Long> groupIds = registered(config, groupDns);
                memberships.record(
                        account.id(), groupIds, admin, clock.instant().plus(settings.groupCache()));
                log.info(
                        "event=ldap_login user={} groups={} directory_admin={}",
                        account.username(),
                        groupIds.size(),
                        admin);
                return new Outcome.Success(
                        new Principal.User(account.id(), account.username(), account.sysadmin() || admin));
            }
        } catch (LdapUnavailableException e) {
            return new Outcome.Unavailable("LDAP login is unavailable: " + e.getMessage()
                    + "; passwords are checked by the directory only, so try again when it answers");
        }
    }

    /** The local account of a directory user, created at their first login, email kept in step. */
    UserAccount onboard(LdapEntries.User entry) {
        Optional<UserAccount> existing = users.findByName(entry.username());
        if (existing.isPresent()) {
            UserAccount a = existing.get();
            String email = entry.email().trim();
            if (!email.isEmpty()
                    && !email.equals(a.email())
                    && EMAIL.matcher(email).matches()
                    && users.findByEmail(email).isEmpty()) {
                users.updateProfile(a.id(), email, a.realname(), a.comment());
                return users.find(a.id()).orElse(a);
            }
            return a;
        }
        String email = entry.email().trim();
        if (email.isEmpty() && entry.username().contains("@")) {
            email = entry.username();
        }
        if (email.isEmpty() || users.findByEmail(email).isPresent()) {
            email = null;
        }
        try {
            long id = users.insert(entry.username(), email, entry.realname(), "from LDAP.", NO_LOCAL_PASSWORD, false);
            log.info("event=ldap_user_onboarded user={}", entry.username());
            return users.find(id).orElseThrow();
        } catch (DuplicateKeyException e) {
            // A parallel first login, or a local user whose name reads the same.
            return users.findByName(entry.username())
                    .orElseThrow(() -> new LdapUnavailableException(
                            "the user cannot be onboarded: a user with a similar name or the same email exists"));
        }
    }

    private static boolean isAdmin(LdapConfig config, Set<String> groupDns) {
        return !config.groupAdminDn().isEmpty()
                && LdapSession.normalize(config.groupAdminDn())
                        .map(groupDns::contains)
                        .orElse(false);
    }

    /** The registered LDAP user groups among the user's groups (DNs compared in canonical form). */
    private List<Long> registered(LdapConfig config, Set<String> groupDns) {
        List<Long> ids = new ArrayList<>();
        for (UserGroup g : groups.ldapGroups()) {
            if (LdapSession.normalize(g.ldapGroupDn()).map(groupDns::contains).orElse(false)) {
                ids.add(g.id());
            }
        }
        return ids;
    }
}
