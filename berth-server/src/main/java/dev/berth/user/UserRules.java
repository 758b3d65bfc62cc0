package dev.berth.user;

import dev.berth.api.ApiException;
import dev.berth.iam.PasswordRules;
import java.util.regex.Pattern;

/** Harbor's rules for what a user's name, email, real name, comment and password may be. */
final class UserRules {
    /** Harbor refuses these in usernames and real names; we add ':' (it would break Basic credentials). */
    static final String ILLEGAL_CHARACTERS = ",\"~#%$:";

    // A pragmatic address check in the spirit of Harbor's: a local part without spaces, brackets
    // or quotes, '@', then dot-separated host labels ending in a top-level name of two letters or more.
    private static final Pattern EMAIL = Pattern.compile(
            "^[^<>()\\[\\]\\\\.,;:\\s@\"]+(\\.[^<>()\\[\\]\\\\.,;:\\s@\"]+)*@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}$");

    private UserRules() {}

    static String username(String username) {
        if (username == null || username.isEmpty() || username.length() > 255) {
            throw ApiException.badRequest("username must be 1 to 255 characters long");
        }
        if (hasIllegal(username) || !username.strip().equals(username)) {
            throw ApiException.badRequest("username must not contain any of " + ILLEGAL_CHARACTERS
                    + ", control characters, or leading or trailing spaces");
        }
        return username;
    }

    static String email(String email) {
        if (email == null || email.isEmpty()) {
            throw ApiException.badRequest("email is required");
        }
        if (email.length() > 255 || !EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("email is not a valid address");
        }
        return email;
    }

    static String realname(String realname) {
        if (realname == null || realname.isEmpty() || realname.length() > 255) {
            throw ApiException.badRequest("realname must be 1 to 255 characters long");
        }
        if (hasIllegal(realname)) {
            throw ApiException.badRequest(
                    "realname must not contain any of " + ILLEGAL_CHARACTERS + " or control characters");
        }
        return realname;
    }

    static String comment(String comment) {
        String c = comment == null ? "" : comment;
        if (c.length() > 30) {
            throw ApiException.badRequest("comment must be at most 30 characters long");
        }
        return c;
    }

    static String password(String password) {
        if (!PasswordRules.isStrong(password)) {
            throw ApiException.badRequest("the password must be 8 to 128 characters long and contain at least"
                    + " one upper-case letter, one lower-case letter and one digit");
        }
        return password;
    }

    private static boolean hasIllegal(String s) {
        return s.chars().anyMatch(c -> ILLEGAL_CHARACTERS.indexOf(c) >= 0 || Character.isISOControl(c));
    }
}
