package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub's container registry ({@code github-ghcr}): the registry API with GitHub's Docker token
 * service (a user name and a personal access token, sent as Basic to the realm its 401 names).
 * GHCR has no catalog, so a pull reads the repositories the policy's {@code name} filter names
 * outright ({@code org/app}, {@code org/{a,b}}) and refuses a pattern, as Harbor does; and it does
 * not delete through the registry API, which a deletion task says rather than pretending (Harbor
 * skips it silently).
 */
final class GithubAdapter extends DistributionAdapter {
    GithubAdapter(Optional<AdapterPattern> pattern, OutboundHttp outbound, JsonMapper json) {
        super("github-ghcr", pattern, UnaryOperator.identity(), outbound, json);
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        throw new RemoteException("GHCR does not list repositories: name them in the policy's name filter");
    }

    @Override
    public List<String> repositories(RemoteRegistry registry, List<String> namePatterns) {
        if (namePatterns.isEmpty()) {
            return repositories(registry);
        }
        return SpecificPaths.of(namePatterns.getFirst())
                .orElseThrow(() -> new RemoteException(
                        "GHCR does not list repositories: the name filter must name them (org/app or org/{a,b}), not "
                                + namePatterns.getFirst()));
    }

    @Override
    public boolean deleteManifest(
            RemoteRegistry registry, DistributionClient client, String repository, String digest) {
        throw new RemoteException(
                "GHCR does not delete through the registry API; delete the package version on GitHub");
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
