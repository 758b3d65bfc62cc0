package dev.berth.user;

import dev.berth.api.ApiException;
import dev.berth.audit.AuditLog;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.PasswordHasher;
import dev.berth.iam.Sessions;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserDeleted;
import dev.berth.iam.UserRecords;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Local users: creation, profile, password, administrator flag and deletion, with Harbor's rules.
 * Who may call what is decided by the controllers; this class keeps the invariants that hold
 * whoever calls: names and emails are unique, passwords strong, and at least one administrator
 * remains. Every change is audited, and every change that affects authentication makes remembered
 * credentials and, where it must, sessions invalid.
 */
@Service
class UserService {
    /** The administrator created on first start; like Harbor's user 1, it cannot be deleted. */
    static final String BOOTSTRAP_ADMIN = "admin";

    private final UserRecords users;
    private final PasswordHasher hasher;
    private final CredentialAuthenticator credentials;
    private final Sessions sessions;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;

    UserService(
            UserRecords users,
            PasswordHasher hasher,
            CredentialAuthenticator credentials,
            Sessions sessions,
            AuditLog audit,
            TransactionTemplate tx,
            ApplicationEventPublisher events) {
        this.users = users;
        this.hasher = hasher;
        this.credentials = credentials;
        this.sessions = sessions;
        this.audit = audit;
        this.tx = tx;
        this.events = events;
    }

    /** What a new user may be given: there is deliberately no administrator flag here. */
    record NewUser(String username, String email, String realname, String comment, String password) {}

    /** Profile fields to change; null leaves a field as it is. */
    record ProfileChange(String email, String realname, String comment) {}

    Optional<UserAccount> find(long id) {
        return users.find(id);
    }

    /** Creates a user who is never an administrator; 400 for invalid fields, 409 for a taken name or email. */
    UserAccount create(NewUser user, String operator) {
        String username = UserRules.username(user.username());
        String email = UserRules.email(user.email());
        String realname = UserRules.realname(user.realname());
        String comment = UserRules.comment(user.comment());
        String password = UserRules.password(user.password());
        if (users.findBySameName(username).isPresent()) {
            // Also a name that differs only in case or in look-alike letters (UserNames).
            throw ApiException.conflict("user " + username + " or email " + email + " already exists");
        }
        if (users.findByEmail(email).isPresent()) {
            throw ApiException.conflict("user " + username + " or email " + email + " already exists");
        }
        long id;
        try {
            id = users.insert(username, email, realname, comment, hasher.hash(password), false);
        } catch (DuplicateKeyException e) {
            // Lost a race with a concurrent registration of the same name or email.
            throw ApiException.conflict("user " + username + " or email " + email + " already exists");
        }
        audit.record(operator, 0, AuditLog.Operation.CREATE, "user", username);
        return users.find(id).orElseThrow();
    }

    UserAccount updateProfile(UserAccount current, ProfileChange change, String operator) {
        String email = change.email() == null ? current.email() : UserRules.email(change.email());
        String realname = change.realname() == null ? current.realname() : UserRules.realname(change.realname());
        String comment = change.comment() == null ? current.comment() : UserRules.comment(change.comment());
        if (email != null && !email.equals(current.email())) {
            Optional<UserAccount> holder = users.findByEmail(email);
            if (holder.isPresent() && holder.get().id() != current.id()) {
                throw ApiException.conflict("email " + email + " is already in use");
            }
        }
        try {
            users.updateProfile(current.id(), email, realname, comment);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("email " + email + " is already in use");
        }
        audit.record(operator, 0, AuditLog.Operation.UPDATE, "user", current.username());
        return users.find(current.id()).orElseThrow();
    }

    /**
     * Sets a new password: strong, and, when users change their own, not the current one. An
     * administrator's reset skips that comparison, so it cannot be used to test guesses of someone
     * else's password. Every remembered credential is forgotten and every session of the user ends
     * except {@code keptSession}, the caller's own.
     */
    void changePassword(UserAccount user, String newPassword, Optional<String> keptSession, String operator) {
        UserRules.password(newPassword);
        if (operator.equals(user.username()) && credentials.isCurrentPassword(user.id(), newPassword)) {
            throw ApiException.badRequest("the new password must differ from the current one");
        }
        users.setPasswordHash(user.id(), hasher.hash(newPassword));
        credentials.forgetAll();
        keptSession.ifPresentOrElse(
                kept -> sessions.deleteAllOfExcept(user.id(), kept), () -> sessions.deleteAllOf(user.id()));
        audit.record(operator, 0, AuditLog.Operation.UPDATE, "user", user.username());
    }

    /** Grants or revokes administration; refuses to revoke it from the last administrator. */
    void setSysadmin(UserAccount user, boolean sysadmin, String operator) {
        tx.executeWithoutResult(status -> {
            if (!sysadmin) {
                requireAnotherAdministrator(user.id(), "the last system administrator cannot be demoted");
            }
            users.setSysadmin(user.id(), sysadmin);
        });
        // Remembered Basic credentials carry the old flag.
        credentials.forgetAll();
        audit.record(
                operator,
                0,
                AuditLog.Operation.UPDATE,
                "user",
                user.username(),
                AuditLog.change("sysadmin_flag", user.sysadmin(), sysadmin));
    }

    /** Deletes the user with their memberships and sessions; never the bootstrap or the last administrator. */
    void delete(UserAccount user, String operator) {
        if (user.username().equals(BOOTSTRAP_ADMIN)) {
            throw ApiException.forbidden("the initial administrator " + BOOTSTRAP_ADMIN + " cannot be deleted");
        }
        tx.executeWithoutResult(status -> {
            if (user.sysadmin()) {
                requireAnotherAdministrator(user.id(), "the last system administrator cannot be deleted");
            }
            events.publishEvent(new UserDeleted(user.id(), user.username()));
            sessions.deleteAllOf(user.id());
            if (!users.delete(user.id())) {
                throw ApiException.notFound("user " + user.id() + " not found");
            }
        });
        credentials.forgetAll();
        audit.record(operator, 0, AuditLog.Operation.DELETE, "user", user.username());
    }

    private void requireAnotherAdministrator(long userId, String refusal) {
        List<Long> admins = users.lockSysadmins();
        if (admins.stream().noneMatch(id -> id != userId)) {
            throw ApiException.forbidden(refusal);
        }
    }
}
