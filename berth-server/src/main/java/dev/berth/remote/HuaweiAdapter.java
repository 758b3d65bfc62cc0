package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Huawei Cloud's SWR ({@code huawei-SWR}), as Harbor's adapter treats it: the generic registry
 * protocol logged in with the endpoint's access key and secret (Basic, or SWR's token service as
 * its challenge asks), and SWR's own API beside it, with the same Basic login, for what the
 * registry API cannot do: repositories are listed by {@code GET
 * /dockyard/v2/repositories?filter=center::self} (namespace and name), and a push first makes the
 * repository's namespace ({@code GET /dockyard/v2/namespaces/<ns>}, then {@code POST
 * /dockyard/v2/namespaces}). SWR's namespaces are one level: the first path segment.
 */
final class HuaweiAdapter extends DistributionAdapter {
    HuaweiAdapter(OutboundHttp outbound, JsonMapper json) {
        super("huawei-SWR", Optional.empty(), UnaryOperator.identity(), outbound, json);
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        URI uri = URI.create(registry.url() + "/dockyard/v2/repositories?filter=center::self");
        try (OutboundResponse response = apiClient(registry).send(authorized(registry, OutboundRequest.get(uri)))) {
            if (response.status() != 200) {
                throw DistributionClient.failure("listing the SWR repositories", response);
            }
            JsonNode list = json().readTree(response.body());
            List<String> names = new ArrayList<>();
            for (JsonNode repo : list) {
                String namespace = repo.path("namespace").asString("");
                String name = repo.path("name").asString("");
                if (!namespace.isEmpty() && !name.isEmpty()) {
                    names.add(namespace + "/" + name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new RemoteException("listing the SWR repositories failed", e);
        }
    }

    /**
     * The tasks of a run push their repositories in parallel; those of one namespace check and make
     * it one at a time on this replica, so SWR is asked to make it once (as Harbor's adapter does
     * before the run's tasks start), not once per task that found it missing.
     */
    private static final Object[] NAMESPACE_LOCKS = new Object[64];

    static {
        for (int i = 0; i < NAMESPACE_LOCKS.length; i++) {
            NAMESPACE_LOCKS[i] = new Object();
        }
    }

    @Override
    public void prepareForPush(RemoteRegistry registry, String repository) {
        String namespace = repository.split("/", 2)[0];
        synchronized (
                NAMESPACE_LOCKS[
                        Math.floorMod((registry.url() + "\u0000" + namespace).hashCode(), NAMESPACE_LOCKS.length)]) {
            makeNamespace(registry, namespace);
        }
    }

    private void makeNamespace(RemoteRegistry registry, String namespace) {
        if (namespaceExists(registry, namespace)) {
            return;
        }
        byte[] body = json().writeValueAsString(Map.of("namespace", namespace)).getBytes(StandardCharsets.UTF_8);
        OutboundRequest create = OutboundRequest.post(
                URI.create(registry.url() + "/dockyard/v2/namespaces"),
                RequestBody.of("application/json; charset=utf-8", body));
        try (OutboundResponse response = apiClient(registry).send(authorized(registry, create))) {
            if (response.status() / 100 != 2
                    // another replica's task may have made it meanwhile
                    && !namespaceExists(registry, namespace)) {
                throw DistributionClient.failure("creating the SWR namespace " + namespace, response);
            }
        } catch (IOException e) {
            throw new RemoteException("creating the SWR namespace " + namespace + " failed", e);
        }
    }

    private boolean namespaceExists(RemoteRegistry registry, String namespace) {
        URI uri = URI.create(
                registry.url() + "/dockyard/v2/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        try (OutboundResponse response = apiClient(registry).send(authorized(registry, OutboundRequest.get(uri)))) {
            if (response.status() == 404) {
                return false;
            }
            if (response.status() != 200) {
                throw DistributionClient.failure("checking the SWR namespace " + namespace, response);
            }
            return json().readTree(response.body()).path("name").asString("").equals(namespace);
        } catch (IOException e) {
            throw new RemoteException("checking the SWR namespace " + namespace + " failed", e);
        }
    }

    private static OutboundRequest authorized(RemoteRegistry registry, OutboundRequest request) {
        return registry.login()
                .map(c -> request.withHeader("Authorization", DistributionClient.basic(c)))
                .orElse(request);
    }
}
