#!/usr/bin/env python3
"""Garbage for bench/gc.sh, written straight into Berth's blob store and PostgreSQL COPY files.

blobs:     N random small blobs (64-575 bytes, real SHA-256) under
           <data>/blobs/sha256/<2 hex>/<hex>, plus COPY text for blob, repository_blob (links aged
           two days, so no review delay or upload grace protects them) and gc_blob_review (due).
manifests: M distinct untagged OCI image manifests derived from a base manifest (an annotation
           makes each unique), as COPY text for a staging table (digest, size, content hex).

Usage: gc_seed.py blobs DATA_DIR COUNT REPO_ID OUT_DIR
       gc_seed.py manifests BASE_MANIFEST_FILE COUNT OUT_FILE
"""
import hashlib
import json
import os
import sys


def blobs(data_dir, count, repo_id, out_dir):
    root = os.path.join(data_dir, "blobs", "sha256")
    made = set()
    total = 0
    with open(os.path.join(out_dir, "blob.copy"), "w") as blob_out, \
            open(os.path.join(out_dir, "link.copy"), "w") as link_out, \
            open(os.path.join(out_dir, "review.copy"), "w") as review_out, \
            open(os.path.join(out_dir, "digests.txt"), "w") as digests_out:
        for i in range(count):
            content = os.urandom(64 + i % 512)
            hexd = hashlib.sha256(content).hexdigest()
            sub = os.path.join(root, hexd[:2])
            if hexd[:2] not in made:
                os.makedirs(sub, exist_ok=True)
                made.add(hexd[:2])
            with open(os.path.join(sub, hexd), "wb") as f:
                f.write(content)
            digest = "sha256:" + hexd
            total += len(content)
            blob_out.write(f"{digest}\t{len(content)}\t2000-01-01 00:00:00+00\n")
            link_out.write(f"{repo_id}\t{digest}\t2000-01-01 00:00:00+00\n")
            review_out.write(f"{digest}\t2000-01-01 00:00:00+00\tgcbench\n")
            digests_out.write(digest + "\n")
    print(json.dumps({"blobs": count, "bytes": total}))


def manifests(base_file, count, out_file):
    with open(base_file) as f:
        base = json.load(f)
    with open(out_file, "w") as out:
        for i in range(count):
            m = dict(base)
            m["annotations"] = {"dev.berth.gcbench.seq": str(i)}
            content = json.dumps(m, separators=(",", ":")).encode()
            digest = "sha256:" + hashlib.sha256(content).hexdigest()
            out.write(f"{digest}\t{len(content)}\t\\\\x{content.hex()}\n")
    print(json.dumps({"manifests": count}))


if __name__ == "__main__":
    if sys.argv[1] == "blobs":
        blobs(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "manifests":
        manifests(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
