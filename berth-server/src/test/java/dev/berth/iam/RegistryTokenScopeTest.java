package dev.berth.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.HarborSwagger;
import dev.berth.support.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A registry token from {@code /service/token} is for {@code /v2/} only, as in Harbor: a leaked pull
 * token once bought a never-expiring push robot through the REST API. Every operation of Harbor's
 * API contract, sent with the administrator's own registry token, is refused with 401 before it is
 * looked at; the same token still works on the registry.
 */
class RegistryTokenScopeTest {
    private final BerthServer server = BerthServer.shared();

    @Test
    void everyApiOperationRefusesARegistryToken() {
        String repository = "library/scope-check";
        RegistryClient.Response issued = server.adminClient()
                .get("/service/token?service=berth&scope=repository:" + repository
                        + ":pull,push,delete&scope=registry:catalog:*");
        RegistryClient.check(issued, 200);
        String token = issued.json().path("token").asString();
        RegistryClient bearer = new RegistryClient(server.baseUri(), Map.of("Authorization", "Bearer " + token));
        RegistryClient.check(bearer.get("/v2/_catalog"), 200);

        List<HarborSwagger.Operation> operations = HarborSwagger.load().operations();
        assertThat(operations).hasSizeGreaterThan(200);
        List<String> accepted = new ArrayList<>();
        for (HarborSwagger.Operation op : operations) {
            boolean body = Set.of("POST", "PUT", "PATCH").contains(op.method());
            RegistryClient.Response r = body
                    ? bearer.send(op.method(), op.examplePath(), "{}".getBytes(), "Content-Type", "application/json")
                    : bearer.send(op.method(), op.examplePath(), null);
            if (r.status() != 401
                    || (!op.method().equals("HEAD") && !r.errorCode().equals("UNAUTHORIZED"))) {
                accepted.add(op + " " + op.examplePath() + " -> " + r.status() + " " + r.text());
            }
        }
        assertThat(accepted).isEmpty();
        // The portal's endpoints and the token service do not take one either.
        assertThat(bearer.get("/service/token?service=berth&scope=repository:" + repository + ":pull")
                        .status())
                .isEqualTo(401);
        assertThat(bearer.send(
                                "POST",
                                "/c/login",
                                "principal=admin&password=x".getBytes(),
                                "Content-Type",
                                "application/x-www-form-urlencoded")
                        .status())
                .isEqualTo(401);
    }
}
