#!/usr/bin/env python3
"""Artifacts for bench/lists.sh, written straight into Berth's blob store and PostgreSQL COPY files.

Every artifact is an OCI image manifest with its own config blob (a real image config, written
under <data>/blobs/sha256/<2 hex>/<hex>: the artifact list reads it for extra_attrs), the layers
of one of the base images pushed before (shared, as base-image layers are) and one layer of its
own (a blob row only: the list APIs never read layer bytes).

Usage: list_seed.py DATA_DIR BASES_JSON COUNT OUT_DIR
  BASES_JSON: [{"layers": [{"digest": ..., "size": ...}, ...]}, ...]
Writes OUT_DIR/blob.copy (digest, size) and OUT_DIR/manifest.copy
(i, digest, size, content hex, config digest, base index, own layer digest).
"""
import hashlib
import json
import os
import sys

CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def main(data_dir, bases_file, count, out_dir):
    with open(bases_file) as f:
        bases = json.load(f)
    root = os.path.join(data_dir, "blobs", "sha256")
    made = set()
    with open(os.path.join(out_dir, "blob.copy"), "w") as blob_out, \
            open(os.path.join(out_dir, "manifest.copy"), "w") as man_out:
        for i in range(count):
            k = i % len(bases)
            arch = ("amd64", "arm64", "s390x")[i % 3]
            created = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            config = json.dumps({
                "architecture": arch, "os": "linux", "created": created, "author": "listbench",
                "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                   f"APP_BUILD={i}"],
                           "Cmd": ["/app/server"], "WorkingDir": "/app",
                           "Labels": {"org.opencontainers.image.version": str(i)}},
                "rootfs": {"type": "layers", "diff_ids": [
                    "sha256:" + hashlib.sha256(f"diff{i}-{n}".encode()).hexdigest() for n in range(3)]},
                "history": [{"created": created, "created_by": f"/bin/sh -c #(nop) build {i}"}],
            }, separators=(",", ":")).encode()
            chex = hashlib.sha256(config).hexdigest()
            sub = os.path.join(root, chex[:2])
            if chex[:2] not in made:
                os.makedirs(sub, exist_ok=True)
                made.add(chex[:2])
            with open(os.path.join(sub, chex), "wb") as f:
                f.write(config)
            own = "sha256:" + hashlib.sha256(f"listbench-layer-{i}".encode()).hexdigest()
            own_size = 1_000_000 + (i * 7919) % 50_000_000
            layers = [{"mediaType": LAYER, "digest": l["digest"], "size": l["size"]} for l in bases[k]["layers"]]
            layers.append({"mediaType": LAYER, "digest": own, "size": own_size})
            manifest = json.dumps({
                "schemaVersion": 2, "mediaType": MANIFEST,
                "config": {"mediaType": CONFIG, "digest": "sha256:" + chex, "size": len(config)},
                "layers": layers,
                "annotations": {"org.opencontainers.image.created": created,
                                "org.opencontainers.image.version": str(i)},
            }, indent=3).encode()
            mdigest = "sha256:" + hashlib.sha256(manifest).hexdigest()
            blob_out.write(f"sha256:{chex}\t{len(config)}\n{own}\t{own_size}\n")
            man_out.write(f"{i}\t{mdigest}\t{len(manifest)}\t\\\\x{manifest.hex()}\tsha256:{chex}\t{k}\t{own}\n")
    print(json.dumps({"artifacts": count}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
