package dev.berth.preheat;

import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.Trust;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider drivers Berth has (Dragonfly, Kraken) and the way to reach an instance: auth info is
 * opened from its sealed form only here, into the header the driver's requests carry.
 */
@Component
class Providers {
    private static final TypeReference<Map<String, String>> AUTH = new TypeReference<>() {};

    private final Map<String, ProviderDriver> drivers = new LinkedHashMap<>();
    private final OutboundHttp outbound;
    private final SecretBox secrets;
    private final PreheatSettings settings;
    private final JsonMapper json;

    Providers(OutboundHttp outbound, SecretBox secrets, PreheatSettings settings, JsonMapper json, Clock clock) {
        this.outbound = outbound;
        this.secrets = secrets;
        this.settings = settings;
        this.json = json;
        drivers.put(DragonflyDriver.ID, new DragonflyDriver());
        drivers.put(KrakenDriver.ID, new KrakenDriver(clock));
    }

    static String authContext(long instanceId) {
        return "p2p_preheat_instance:" + instanceId + ":auth_info";
    }

    List<ProviderMetadata> metadata() {
        return drivers.values().stream().map(ProviderDriver::metadata).toList();
    }

    Optional<ProviderDriver> driver(String vendor) {
        return Optional.ofNullable(drivers.get(vendor));
    }

    String seal(long instanceId, Map<String, String> authInfo) {
        return secrets.seal(json.writeValueAsString(authInfo), authContext(instanceId));
    }

    Map<String, String> open(ProviderInstance instance) {
        if (instance.sealedAuth().isEmpty()) {
            return Map.of();
        }
        try {
            return json.readValue(secrets.open(instance.sealedAuth().get(), authContext(instance.id())), AUTH);
        } catch (SecretUnreadableException e) {
            throw new ProviderException(
                    "the instance's credentials cannot be read with this server's secret key; set them again");
        }
    }

    ProviderEndpoint endpoint(ProviderInstance instance) {
        return endpoint(instance.endpoint(), instance.authMode(), open(instance), instance.insecure());
    }

    ProviderEndpoint endpoint(String url, String authMode, Map<String, String> authInfo, boolean insecure) {
        OutboundOptions options = OutboundOptions.defaults()
                .withTimeouts(settings.connectTimeout(), settings.timeout())
                .withSkipCertVerify(insecure)
                .withMaxResponseBytes(1024 * 1024);
        return new ProviderEndpoint(
                url,
                outbound.client(Trust.ADMINISTRATOR, options),
                ProviderEndpoint.credential(authMode, authInfo),
                json);
    }
}
