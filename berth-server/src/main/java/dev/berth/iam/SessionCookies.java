package dev.berth.iam;

import java.time.Duration;
import org.springframework.http.ResponseCookie;

/** The portal's cookies ({@link Sessions#COOKIE}, {@link Sessions#CSRF_COOKIE}, sign-in flows): path /, SameSite=Lax. */
public final class SessionCookies {
    private SessionCookies() {}

    /** A session-lifetime cookie (no Max-Age) unless {@code maxAge} is given, which clears it when zero. */
    public static String cookie(String name, String value, boolean httpOnly, boolean secure, Duration maxAge) {
        ResponseCookie.ResponseCookieBuilder b = ResponseCookie.from(name, value)
                .path("/")
                .httpOnly(httpOnly)
                .secure(secure)
                .sameSite("Lax");
        if (maxAge != null) {
            b.maxAge(maxAge);
        }
        return b.build().toString();
    }
}
