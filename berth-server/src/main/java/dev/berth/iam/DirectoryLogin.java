package dev.berth.iam;

/**
 * A directory that checks passwords in place of the local database (Harbor's {@code ldap_auth}, and
 * the CLI secrets of {@code oidc_auth}).
 * Implemented by the directory's package, so that identity does not depend on it; while {@link
 * #active()} every login but the local {@code admin}'s goes to it, and nothing falls back to a
 * password stored in Berth.
 */
public interface DirectoryLogin {
    /** Whether the configured authentication mode sends logins to this directory now. */
    boolean active();

    /**
     * Checks the password by the directory's rules, onboards the user on their first login and
     * records the groups they belong to now ({@link DirectoryMemberships}).
     */
    Outcome login(String username, String password);

    /**
     * Whether the portal's sign-in form takes this password ({@code ldap_auth}); an OIDC CLI secret
     * is for registry clients and the API only, the portal signs in through the provider.
     */
    default boolean portalPasswords() {
        return true;
    }

    /** What the directory said. */
    sealed interface Outcome {
        /** @param user the local account, with the administrator flag the directory's groups grant */
        record Success(Principal.User user) implements Outcome {}

        /** Unknown user, several matches, or a wrong password: all the same to the client. */
        record Refused() implements Outcome {}

        /** The directory could not be asked; {@code reason} is fit to show (no secrets, no DNs). */
        record Unavailable(String reason) implements Outcome {}
    }
}
