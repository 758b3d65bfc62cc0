// Pull commands by artifact type: container images with podman and docker, Helm charts with helm,
// everything else (CNAB, WASM, SBOMs, other OCI artifacts) with oras.
import { t } from '../i18n';

export interface PullCommand {
  label: string;
  value: string;
}

/** Commands pulling `full` ("project/repo") at a tag or a digest from `host`, the best first. */
export function pullCommands(type: string, host: string, full: string, ref: { tag?: string; digest?: string }): PullCommand[] {
  const at = ref.tag ? `:${ref.tag}` : `@${ref.digest}`;
  const oras = { label: t('artifact.orasPull'), value: `oras pull ${host}/${full}${at}` };
  switch (type) {
    case 'IMAGE':
      return [
        { label: t('artifact.podmanPull'), value: `podman pull ${host}/${full}${at}` },
        { label: t('artifact.dockerPull'), value: `docker pull ${host}/${full}${at}` },
      ];
    case 'CHART':
      // helm pulls a chart by its version (the tag); by digest only oras is sure to work
      return ref.tag ? [{ label: t('artifact.helmPull'), value: `helm pull oci://${host}/${full} --version ${ref.tag}` }, oras] : [oras];
    default:
      return [oras];
  }
}
