package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registry tokens that must not work: forged, tampered, signed by another key, unsigned, HMAC
 * signed with the public key, expired, for another service or issuer, without an issue time, and
 * tokens replayed after their project was deleted and created again.
 */
class TokenAttackTest {
    private final BerthServer server = BerthServer.shared();
    private String project;
    private String repo;

    @BeforeEach
    void setUp() {
        project = "tok-" + UUID.randomUUID().toString().substring(0, 8);
        server.ensureProject(project, false);
        repo = project + "/app";
        server.adminClient().pushImage(repo, "v1", randomBytes(50));
    }

    private long projectId() {
        return server.bean(Authorizer.class).project(project).orElseThrow().id();
    }

    private JWTClaimsSet.Builder validClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(TokenIssuer.ISSUER)
                .subject("admin")
                .audience("berth")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim(
                        "access",
                        List.of(Map.of("type", "repository", "name", repo, "actions", List.of("pull", "push"))))
                .claim("berth_projects", Map.of(repo, projectId()))
                .claim("berth_subject", adminBinding());
    }

    /** The binding the token service gives the administrator's tokens (CredentialStamps). */
    private Map<String, Object> adminBinding() {
        Principal admin =
                server.bean(UserRecords.class).findByName("admin").orElseThrow().principal();
        CredentialStamps.Binding binding =
                server.bean(CredentialStamps.class).bindingOf(admin).orElseThrow();
        return Map.of("kind", "user", "id", binding.subject().id(), "stamp", binding.stamp());
    }

    private String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .keyID(key.getKeyID())
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private RSAKey serverKey() {
        return server.bean(TokenKeys.class).key();
    }

    private int pullWith(String token) {
        return new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + token))
                .get("/v2/" + repo + "/manifests/v1")
                .status();
    }

    @Test
    void aCorrectlySignedTokenWorks() throws Exception {
        assertThat(pullWith(sign(validClaims().build(), serverKey()))).isEqualTo(200);
    }

    @Test
    void aNamedTokenWithoutTheAccountItWasIssuedToIsRefused() throws Exception {
        JWTClaimsSet unbound = new JWTClaimsSet.Builder(validClaims().build())
                .claim("berth_subject", null)
                .build();
        assertThat(pullWith(sign(unbound, serverKey()))).isEqualTo(401);
        JWTClaimsSet stale = new JWTClaimsSet.Builder(validClaims().build())
                .claim(
                        "berth_subject",
                        Map.of("kind", "user", "id", adminBinding().get("id"), "stamp", "0".repeat(32)))
                .build();
        assertThat(pullWith(sign(stale, serverKey()))).isEqualTo(401);
        JWTClaimsSet otherAccount = new JWTClaimsSet.Builder(validClaims().build())
                .claim(
                        "berth_subject",
                        Map.of(
                                "kind",
                                "user",
                                "id",
                                987_654_321L,
                                "stamp",
                                adminBinding().get("stamp")))
                .build();
        assertThat(pullWith(sign(otherAccount, serverKey()))).isEqualTo(401);
    }

    @Test
    void aTokenWithoutSubjectIsAnAnonymousHoldersNotAServerError() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims().build())
                .subject(null)
                .claim("berth_subject", null)
                .build();
        assertThat(pullWith(sign(claims, serverKey()))).isEqualTo(200);
        RegistryClient bearer =
                new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + sign(claims, serverKey())));
        assertThat(bearer.get("/v2/").status()).isEqualTo(200);
        assertThat(bearer.get("/v2/" + project + "/other/tags/list").status()).isEqualTo(401);
    }

    @Test
    void garbageIsRefused() {
        assertThat(pullWith("not-a-token")).isEqualTo(401);
        assertThat(pullWith("a.b.c")).isEqualTo(401);
        assertThat(pullWith("")).isEqualTo(401);
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String token = server.anonymousClient()
                .get("/service/token?service=berth&scope=repository:" + repo + ":pull")
                .json()
                .path("token")
                .asString();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"actions\":[]");
        String forged = payload.replace("\"actions\":[]", "\"actions\":[\"pull\",\"push\"]");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertThat(pullWith(tampered)).isEqualTo(401);
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID(serverKey().getKeyID()).generate();
        assertThat(pullWith(sign(validClaims().build(), other))).isEqualTo(401);
    }

    @Test
    void unsignedTokenIsRefused() throws Exception {
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(validClaims().build().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(pullWith(header + "." + payload + ".")).isEqualTo(401);
        assertThat(pullWith(header + "." + payload)).isEqualTo(401);
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        byte[] publicKey = serverKey().toPublicJWK().toRSAPublicKey().getEncoded();
        byte[] secret = java.util.Arrays.copyOf(publicKey, Math.max(64, publicKey.length));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                validClaims().build());
        jwt.sign(new MACSigner(secret));
        assertThat(pullWith(jwt.serialize())).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        JWTClaimsSet claims = validClaims()
                .issueTime(Date.from(past))
                .notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(1800)))
                .build();
        assertThat(pullWith(sign(claims, serverKey()))).isEqualTo(401);
    }

    @Test
    void tokenNotYetValidIsRefused() throws Exception {
        Instant future = Instant.now().plusSeconds(3600);
        assertThat(pullWith(sign(validClaims().notBeforeTime(Date.from(future)).build(), serverKey())))
                .isEqualTo(401);
    }

    @Test
    void tokenForAnotherServiceOrIssuerIsRefused() throws Exception {
        assertThat(pullWith(sign(validClaims().audience("harbor-registry").build(), serverKey())))
                .isEqualTo(401);
        assertThat(pullWith(sign(validClaims().issuer("someone-else").build(), serverKey())))
                .isEqualTo(401);
        // Nor does the token service hand out tokens for other services.
        assertThat(server.adminClient()
                        .get("/service/token?service=other&scope=repository:" + repo + ":pull")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void tokenWithoutIssueTimeIsRefusedNotAnError() throws Exception {
        JWTClaimsSet claims =
                new JWTClaimsSet.Builder(validClaims().build()).issueTime(null).build();
        assertThat(pullWith(sign(claims, serverKey()))).isEqualTo(401);
    }

    @Test
    void tokenWithoutProjectPinningGrantsNothing() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims().build())
                .claim("berth_projects", null)
                .build();
        assertThat(pullWith(sign(claims, serverKey()))).isEqualTo(401);
    }

    @Test
    void tokenIsDeadAfterItsProjectIsDeletedAndCreatedAgain() {
        String fresh = "reborn-" + UUID.randomUUID().toString().substring(0, 8);
        server.ensureProject(fresh, false);
        String freshRepo = fresh + "/app";
        String token = server.adminClient()
                .get("/service/token?service=berth&scope=repository:" + freshRepo + ":pull,push")
                .json()
                .path("token")
                .asString();
        RegistryClient bearer = new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + token));
        byte[] blob = randomBytes(10);
        assertThat(bearer.send("POST", "/v2/" + freshRepo + "/blobs/uploads/", null)
                        .status())
                .isEqualTo(202);

        Response deleted =
                server.adminClient().send("DELETE", "/api/v2.0/projects/" + fresh, null, "X-Is-Resource-Name", "true");
        assertThat(deleted.status()).isEqualTo(200);
        server.ensureProject(fresh, false);

        assertThat(bearer.send("POST", "/v2/" + freshRepo + "/blobs/uploads/", null)
                        .status())
                .isEqualTo(401);
        assertThat(bearer.get("/v2/" + freshRepo + "/tags/list").status()).isEqualTo(401);
        assertThat(blob).hasSize(10);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random().nextBytes(b);
        return b;
    }
}
