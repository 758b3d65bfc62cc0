package dev.berth.remote;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.Trust;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Another Harbor or Berth: content through {@code /v2/} as any registry, and what the registry API
 * cannot tell through Harbor's REST API with the credential as Basic: the global labels (for the
 * label filter) and the repositories of every project the credential can see.
 */
final class HarborAdapter extends DistributionAdapter {
    private static final Logger log = LoggerFactory.getLogger(HarborAdapter.class);
    private static final int PAGE = 100;

    HarborAdapter(dev.berth.outbound.OutboundHttp outbound, tools.jackson.databind.json.JsonMapper json) {
        super("harbor", Optional.empty(), UnaryOperator.identity(), outbound, json);
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        List<String> labels = new ArrayList<>();
        try {
            for (JsonNode label : pages(registry, "/api/v2.0/labels?scope=g")) {
                labels.add(label.path("name").asString());
            }
        } catch (RemoteException | OutboundException e) {
            // Harbor fails the whole info; the portal is better served by the rest of it
            log.warn("event=remote_labels_unavailable registry_id={} reason=\"{}\"", registry.id(), e.getMessage());
        }
        return RegistryInfo.of(
                type(),
                List.of("image"),
                List.of(new RegistryInfo.FilterStyle("label", "list", List.copyOf(labels))),
                true);
    }

    /** Through Harbor's {@code /api/v2.0/repositories}: the catalog is for system administrators there. */
    @Override
    public List<String> repositories(RemoteRegistry registry) {
        List<String> names = new ArrayList<>();
        for (JsonNode repository : pages(registry, "/api/v2.0/repositories")) {
            names.add(repository.path("name").asString());
        }
        return names;
    }

    /** Every item of a Harbor list, page by page. */
    private List<JsonNode> pages(RemoteRegistry registry, String path) {
        OutboundClient http = outbound().client(Trust.ADMINISTRATOR, OPTIONS.withSkipCertVerify(registry.insecure()));
        List<JsonNode> items = new ArrayList<>();
        String base = registry.url();
        for (int page = 1; page < 10_000; page++) {
            URI uri =
                    URI.create(base + path + (path.contains("?") ? "&" : "?") + "page=" + page + "&page_size=" + PAGE);
            OutboundRequest request = OutboundRequest.get(uri);
            if (registry.login().isPresent()) {
                request = request.withHeader(
                        "Authorization",
                        DistributionClient.basic(registry.login().get()));
            }
            try (OutboundResponse response = http.send(request)) {
                if (response.status() != 200) {
                    throw new RemoteException("GET " + path + " answered HTTP " + response.status());
                }
                JsonNode body = json().readTree(response.body());
                if (!body.isArray()) {
                    throw new RemoteException("GET " + path + " did not answer a list");
                }
                body.forEach(items::add);
                if (body.size() < PAGE) {
                    return items;
                }
            } catch (IOException e) {
                throw new RemoteException("reading " + path + " failed", e);
            }
        }
        return items;
    }
}
