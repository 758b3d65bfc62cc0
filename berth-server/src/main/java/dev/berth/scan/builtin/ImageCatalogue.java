package dev.berth.scan.builtin;

import com.github.packageurl.PackageURL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cataloguer found in an image: its packages (as they are after every layer, whiteouts
 * applied), its distribution, and notes on what it could not read (a file over the size limit, a
 * layer compressed in a way it does not read).
 */
public record ImageCatalogue(List<CataloguedPackage> packages, Optional<Distro> distro, List<String> notes) {
    public ImageCatalogue {
        packages = List.copyOf(packages);
        notes = List.copyOf(notes);
    }

    /** A package under its Package URL, with every place it was found. */
    public record Named(PackageURL purl, CataloguedPackage first, List<String> locations) {}

    /** The packages by Package URL, one entry per distinct URL, in the order first found. */
    public List<Named> named() {
        Map<String, Named> byPurl = new LinkedHashMap<>();
        for (CataloguedPackage p : packages) {
            Optional<PackageURL> purl = p.purl(distro);
            if (purl.isEmpty()) {
                continue;
            }
            String key = purl.get().canonicalize();
            Named known = byPurl.get(key);
            if (known == null) {
                byPurl.put(key, new Named(purl.get(), p, new ArrayList<>(List.of(p.location()))));
            } else if (!known.locations().contains(p.location())) {
                known.locations().add(p.location());
            }
        }
        return byPurl.values().stream()
                .map(n -> new Named(n.purl(), n.first(), List.copyOf(n.locations())))
                .toList();
    }
}
