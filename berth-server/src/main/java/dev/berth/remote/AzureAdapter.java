package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Azure Container Registry ({@code azure-acr}): the registry API with ACR's Docker token service
 * ({@code /oauth2/token}, the service principal or token name and password sent as Basic), and,
 * as Harbor's adapter does, a tag list asks for the {@code metadata_read} action rather than
 * {@code pull} (ACR's scope for reading a repository's metadata, which a token limited to it
 * also holds). Repositories come from the catalog.
 */
final class AzureAdapter extends DistributionAdapter {
    static final String METADATA_READ = "metadata_read";

    AzureAdapter(OutboundHttp outbound, JsonMapper json) {
        super("azure-acr", Optional.empty(), UnaryOperator.identity(), outbound, json);
    }

    @Override
    DistributionClient client(RemoteRegistry registry, OutboundOptions options) {
        return super.client(registry, options).withTagListAction(METADATA_READ);
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
