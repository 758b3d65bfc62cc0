// Writes a small, random OCI image layout (one gzip'd tar layer) that skopeo can push.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const sha = (buf) => createHash('sha256').update(buf).digest('hex');

export function writeImageLayout(dir, { arch = 'amd64', sizeBytes = 64 * 1024 } = {}) {
  const image = writeImage(dir, arch, sizeBytes);
  return finish(dir, image.manifest, 'application/vnd.oci.image.manifest.v1+json');
}

/** A multi-platform image: an OCI index over one image per architecture. */
export function writeIndexLayout(dir, arches = ['amd64', 'arm64']) {
  const images = arches.map((arch) => ({ arch, ...writeImage(join(dir, arch), arch, 16 * 1024, join(dir, 'layout')) }));
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.map((i) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${sha(i.manifest)}`,
        size: i.manifest.length,
        platform: { architecture: i.arch, os: 'linux' },
      })),
    }),
  );
  return { ...finish(dir, index, 'application/vnd.oci.image.index.v1+json'), children: images.map((i) => `sha256:${sha(i.manifest)}`) };
}

function writeImage(dir, arch, sizeBytes, layout = join(dir, 'layout')) {
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'data', 'random.bin'), randomBytes(sizeBytes));
  writeFileSync(join(root, 'data', 'hello.txt'), 'hello from the portal end-to-end test\n');
  const tar = execFileSync('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', 'data'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      created: new Date().toISOString(),
      author: 'berth e2e',
      config: { Cmd: ['/bin/true'], Env: ['PATH=/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] },
      history: [{ created: new Date().toISOString(), created_by: 'COPY data /data # berth e2e' }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(layer)}`, size: layer.length }],
    }),
  );
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const b of [layer, config, manifest]) writeFileSync(join(blobs, sha(b)), b);
  return { manifest };
}

function finish(dir, top, mediaType) {
  const layout = join(dir, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, sha(top)), top);
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType, digest: `sha256:${sha(top)}`, size: top.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
    }),
  );
  return { layout, digest: `sha256:${sha(top)}` };
}

/**
 * A Helm chart as `helm push` stores it: Chart.yaml as the JSON config, the chart's .tgz (Chart.yaml,
 * values.yaml, README.md) as the one layer. Returned as blobs and a manifest to push over HTTP
 * (skopeo may refuse a config that is no image's).
 */
export function helmChart(dir, { name, version, values, readme, dependency }) {
  const root = join(dir, 'chart');
  mkdirSync(join(root, name), { recursive: true });
  const chartYaml =
    `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: berth e2e chart\n` +
    `dependencies:\n  - name: ${dependency}\n    version: 1.2.3\n    repository: https://charts.example.com\n`;
  writeFileSync(join(root, name, 'Chart.yaml'), chartYaml);
  writeFileSync(join(root, name, 'values.yaml'), values);
  writeFileSync(join(root, name, 'README.md'), readme);
  const tar = execFileSync('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', name]);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ apiVersion: 'v2', name, version, description: 'berth e2e chart' }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: `sha256:${sha(layer)}`, size: layer.length }],
    }),
  );
  return { blobs: [config, layer].map((b) => ({ digest: `sha256:${sha(b)}`, bytes: b })), manifest, digest: `sha256:${sha(manifest)}` };
}
