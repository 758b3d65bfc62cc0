package dev.berth.preheat;

import java.util.List;

/** Harbor's {@code Metadata} of a provider driver, as {@code GET /p2p/preheat/providers} lists it. */
record ProviderMetadata(String id, String name, String icon, List<String> maintainers, String version, String source) {}
