package dev.berth.outbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/** Which responses are redirects and where they point; following them is {@link OutboundClient}'s. */
final class Redirects {
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

    private Redirects() {}

    /** The absolute target of a redirect response, if it is one with a usable {@code Location}. */
    static Optional<URI> location(OutboundResponse response, URI base) {
        if (!STATUSES.contains(response.status())) {
            return Optional.empty();
        }
        return response.header("Location").flatMap(value -> {
            try {
                return Optional.of(base.resolve(new URI(value.trim())));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** Whether the next hop is a GET without body: after 303, and after 301/302 for a POST (as browsers do). */
    static boolean becomesGet(int status, String method) {
        return status == 303 || ((status == 301 || status == 302) && method.equals("POST"));
    }
}
