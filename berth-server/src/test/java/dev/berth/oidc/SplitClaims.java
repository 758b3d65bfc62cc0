package dev.berth.oidc;

import com.nimbusds.oauth2.sdk.TokenRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * The provider's tokens with different claims: the ID token's, and the access token's, which
 * its userinfo endpoint answers with. mock-oauth2-server asks a callback for the access token's
 * audience just before its claims, and never for the ID token's (that is the client id), which
 * tells the two apart; the test proves the split by reading the ID token Berth kept.
 */
final class SplitClaims implements OAuth2TokenCallback {
    private final String subject;
    private final Map<String, Object> idClaims;
    private final Map<String, Object> userinfoClaims;
    private boolean accessTokenNext;
    final AtomicInteger userinfoTokens = new AtomicInteger();

    SplitClaims(String subject, Map<String, Object> idClaims, Map<String, Object> userinfoClaims) {
        this.subject = subject;
        this.idClaims = idClaims;
        this.userinfoClaims = userinfoClaims;
    }

    @Override
    public String issuerId() {
        return OidcSite.ISSUER;
    }

    @Override
    public String subject(TokenRequest request) {
        return subject;
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return "JWT";
    }

    @Override
    public synchronized List<String> audience(TokenRequest request) {
        accessTokenNext = true;
        return List.of(OidcSite.CLIENT_ID);
    }

    @Override
    public synchronized Map<String, Object> addClaims(TokenRequest request) {
        if (accessTokenNext) {
            accessTokenNext = false;
            userinfoTokens.incrementAndGet();
            return userinfoClaims;
        }
        return idClaims;
    }

    @Override
    public long tokenExpiry() {
        return 3600;
    }
}
