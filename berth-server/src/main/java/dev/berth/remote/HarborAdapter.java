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

    /**
     * Through Harbor's {@code DELETE /api/v2.0/projects/{p}/repositories/{r}/artifacts/{digest}/tags/{tag}}:
     * Harbor's registry API does not delete tags.
     */
    @Override
    public boolean deleteTag(
            RemoteRegistry registry, DistributionClient client, String repository, String tag, String digest) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            throw new RemoteException("a Harbor repository is named after its project: " + repository);
        }
        String project = repository.substring(0, slash);
        String name = repository.substring(slash + 1).replace("%", "%25").replace("/", "%252F");
        URI uri = URI.create(registry.url() + "/api/v2.0/projects/" + project + "/repositories/" + name + "/artifacts/"
                + digest + "/tags/" + tag);
        OutboundClient http = outbound().client(Trust.ADMINISTRATOR, OPTIONS.withSkipCertVerify(registry.insecure()));
        OutboundRequest request = OutboundRequest.delete(uri);
        if (registry.login().isPresent()) {
            request = request.withHeader(
                    "Authorization", DistributionClient.basic(registry.login().get()));
        }
        try (OutboundResponse response = http.send(request)) {
            if (response.status() == 404) {
                return false;
            }
            if (response.status() != 200) {
                throw DistributionClient.failure("deleting the tag " + repository + ":" + tag, response);
            }
            return true;
        } catch (IOException e) {
            throw new RemoteException("deleting the tag " + repository + ":" + tag + " failed", e);
        }
    }

    /** Through Harbor's {@code GET /api/v2.0/projects/{p}/repositories/{r}/artifacts/{digest}?with_label=true}. */
    @Override
    public List<String> labels(RemoteRegistry registry, String repository, String digest) {
        URI uri = URI.create(registry.url() + artifactPath(repository, digest) + "?with_label=true");
        OutboundClient http = outbound().client(Trust.ADMINISTRATOR, OPTIONS.withSkipCertVerify(registry.insecure()));
        try (OutboundResponse response = http.send(authorized(registry, OutboundRequest.get(uri)))) {
            if (response.status() == 404) {
                return List.of();
            }
            if (response.status() != 200) {
                throw DistributionClient.failure("reading the labels of " + repository + "@" + digest, response);
            }
            List<String> names = new ArrayList<>();
            for (JsonNode label : json().readTree(response.body()).path("labels")) {
                names.add(label.path("name").asString());
            }
            return names;
        } catch (IOException e) {
            throw new RemoteException("reading the labels of " + repository + "@" + digest + " failed", e);
        }
    }

    /** {@code /api/v2.0/projects/{p}/repositories/{r}/artifacts/{reference}}, the repository encoded twice as Harbor wants. */
    private static String artifactPath(String repository, String reference) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            throw new RemoteException("a Harbor repository is named after its project: " + repository);
        }
        String name = repository.substring(slash + 1).replace("%", "%25").replace("/", "%252F");
        return "/api/v2.0/projects/" + repository.substring(0, slash) + "/repositories/" + name + "/artifacts/"
                + reference;
    }

    private static OutboundRequest authorized(RemoteRegistry registry, OutboundRequest request) {
        return registry.login().isPresent()
                ? request.withHeader(
                        "Authorization",
                        DistributionClient.basic(registry.login().get()))
                : request;
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
