package dev.berth.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A manifest the registry understood: an image manifest (or artifact) or an index. */
public sealed interface ParsedManifest {
    String mediaType();

    Optional<Descriptor> subject();

    Map<String, String> annotations();

    /** The artifact type the referrers API reports: the declared one, else the config's media type. */
    Optional<String> effectiveArtifactType();

    record ImageManifest(
            String mediaType,
            Optional<String> artifactType,
            Descriptor config,
            List<Descriptor> layers,
            Optional<Descriptor> subject,
            Map<String, String> annotations)
            implements ParsedManifest {
        public ImageManifest {
            layers = List.copyOf(layers);
            annotations = Map.copyOf(annotations);
        }

        @Override
        public Optional<String> effectiveArtifactType() {
            return artifactType.or(() -> Optional.of(config.mediaType()));
        }
    }

    record ImageIndex(
            String mediaType,
            Optional<String> artifactType,
            List<Descriptor> manifests,
            Optional<Descriptor> subject,
            Map<String, String> annotations)
            implements ParsedManifest {
        public ImageIndex {
            manifests = List.copyOf(manifests);
            annotations = Map.copyOf(annotations);
        }

        @Override
        public Optional<String> effectiveArtifactType() {
            return artifactType;
        }
    }
}
