package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quay ({@code quay}): the credential's secret is Harbor's JSON file, {@code {"account_name": ...,
 * "docker_cli_password": ..., "oauth2_token": ...}}. The registry API logs in with the account and
 * its CLI password (Basic, or Quay's token service); with an OAuth token, a push first makes the
 * repository's organization through Quay's API ({@code GET}, then {@code POST
 * /api/v1/organization/}), as Harbor does. Without one, the organization must exist.
 */
final class QuayAdapter extends DistributionAdapter {
    QuayAdapter(Optional<AdapterPattern> pattern, OutboundHttp outbound, JsonMapper json) {
        super("quay", pattern, UnaryOperator.identity(), outbound, json);
    }

    /** Harbor's Quay credential file. */
    record QuayCredential(String accountName, String dockerCliPassword, String oauth2Token) {}

    Optional<QuayCredential> credential(RemoteRegistry registry) {
        Optional<Credential> login = registry.login();
        if (login.isEmpty() || login.get().accessSecret().isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode file = json().readTree(login.get().accessSecret());
            if (!file.isObject()) {
                throw new RemoteException(
                        "the Quay credential must be a JSON file with account_name and docker_cli_password");
            }
            return Optional.of(new QuayCredential(
                    file.path("account_name").asString(""),
                    file.path("docker_cli_password").asString(""),
                    file.path("oauth2_token").asString("")));
        } catch (JacksonException e) {
            throw new RemoteException(
                    "the Quay credential must be a JSON file with account_name and docker_cli_password");
        }
    }

    @Override
    Session session(RemoteRegistry registry) {
        return new Session(
                registry.uri(),
                credential(registry)
                        .map(c -> new Credential(Credential.BASIC, c.accountName(), c.dockerCliPassword())));
    }

    @Override
    public void prepareForPush(RemoteRegistry registry, String repository) {
        Optional<QuayCredential> credential =
                credential(registry).filter(c -> !c.oauth2Token().isEmpty());
        if (credential.isEmpty()) {
            return;
        }
        String namespace = repository.split("/", 2)[0];
        String bearer = "Bearer " + credential.get().oauth2Token();
        if (organizationExists(registry, namespace, bearer)) {
            return;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("name", namespace);
        body.put("email", namespace + "@quay.io");
        OutboundRequest create = OutboundRequest.post(
                        URI.create(registry.url() + "/api/v1/organization/"),
                        RequestBody.of(
                                "application/json",
                                json().writeValueAsString(body).getBytes(StandardCharsets.UTF_8)))
                .withHeader("Authorization", bearer);
        try (OutboundResponse response = apiClient(registry).send(create)) {
            if (response.status() / 100 != 2
                    // another task of the run may have made it meanwhile (Quay answers 400)
                    && !organizationExists(registry, namespace, bearer)) {
                throw DistributionClient.failure("creating the Quay organization " + namespace, response);
            }
        } catch (IOException e) {
            throw new RemoteException("creating the Quay organization " + namespace + " failed", e);
        }
    }

    private boolean organizationExists(RemoteRegistry registry, String namespace, String bearer) {
        URI organization = URI.create(registry.url() + "/api/v1/organization/" + namespace);
        try (OutboundResponse response =
                apiClient(registry).send(OutboundRequest.get(organization).withHeader("Authorization", bearer))) {
            if (response.status() / 100 == 2) {
                return true;
            }
            if (response.status() != 404) {
                throw DistributionClient.failure("checking the Quay organization " + namespace, response);
            }
            return false;
        } catch (IOException e) {
            throw new RemoteException("checking the Quay organization " + namespace + " failed", e);
        }
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
