// Signature verification under a project's trust policy (Berth's extension, docs/signatures.md):
// the artifact page's Signatures card and the badge of artifact lists.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { t } from '../i18n';
import type { Project } from '../types';
import { Badge, Time } from '../ui/components';
import { shortDigest } from '../ui/format';

export interface TrustPolicy {
  mode: 'off' | 'warn' | 'enforce';
  kinds: string[];
  version: number;
  update_time?: string;
  key_count: number;
  identity_count?: number;
}

export interface KeylessIdentity {
  id: number;
  name: string;
  issuer?: string | null;
  issuer_regex?: string | null;
  subject?: string | null;
  subject_regex?: string | null;
  creation_time: string;
}

export interface TrustKey {
  id: number;
  name: string;
  key_type: string;
  fingerprint: string;
  public_key: string;
  creation_time: string;
}

export interface NotationTrustStore {
  id: number;
  type: 'ca' | 'signingAuthority';
  name: string;
  reference: string;
  certificates: { subject: string; issuer: string; not_before: string; not_after: string; sha256: string }[];
  pem: string;
  creation_time: string;
}

export interface Verification {
  status: 'verified' | 'unverified' | 'pending' | 'no_policy';
  verified: boolean;
  mode: string;
  policy_version: number;
  digest: string;
  reason: string;
  kind?: string | null;
  key_name?: string | null;
  signature?: string | null;
  checked_at?: string | null;
}

export function trustPolicyPath(project: Project): string {
  return `/projects/${seg(project.project_id)}/trust-policy`;
}

/** The project's trust policy, or null while loading or when the caller may not read it. */
export function useTrustPolicy(project: Project): TrustPolicy | null {
  const [policy, setPolicy] = useState<TrustPolicy | null>(null);
  useEffect(() => {
    api
      .get<TrustPolicy>(trustPolicyPath(project))
      .then(setPolicy)
      .catch(() => setPolicy(null));
  }, [project.project_id]);
  return policy;
}

function useVerification(artifactPath: string, enabled = true): Verification | null {
  const [v, setV] = useState<Verification | null>(null);
  useEffect(() => {
    if (!enabled) return;
    api
      .get<Verification>(`${artifactPath}/verification`)
      .then(setV)
      .catch(() => setV(null));
  }, [artifactPath, enabled]);
  return v;
}

export function VerificationBadge({ v }: { v: Verification | null }) {
  if (!v || v.status === 'no_policy') return null;
  if (v.status === 'verified') return <Badge tone="ok">{t('signatures.verified')}</Badge>;
  if (v.status === 'pending') return <Badge>{t('signatures.pending')}</Badge>;
  return <Badge tone="warn">{t('signatures.unverified')}</Badge>;
}

/** The badge of one row of an artifact list: asks only when the project has a trust policy. */
export function ArtifactTrustBadge({ artifactPath, policy }: { artifactPath: string; policy: TrustPolicy | null }) {
  const v = useVerification(artifactPath, !!policy && policy.version > 0);
  return <VerificationBadge v={v} />;
}

/** The artifact page's Signatures card: verified or why not, by which key, with which signature. */
export function SignaturesCard({ artifactPath, signaturePath }: { artifactPath: string; signaturePath: (digest: string) => string }) {
  const v = useVerification(artifactPath);
  if (!v || v.status === 'no_policy') return null;
  return (
    <div class="card">
      <h2>{t('signatures.title')}</h2>
      <dl class="kv">
        <dt>{t('signatures.status')}</dt>
        <dd>
          <VerificationBadge v={v} /> <span class="muted">{t(`signatures.mode.${v.mode}` as 'signatures.mode.off')}</span>
        </dd>
        <dt>{t('signatures.reason')}</dt>
        <dd>{v.reason}</dd>
        {v.key_name && (
          <>
            <dt>{t('signatures.key')}</dt>
            <dd>{v.key_name}</dd>
          </>
        )}
        {v.kind && (
          <>
            <dt>{t('signatures.kind')}</dt>
            <dd>{v.kind}</dd>
          </>
        )}
        {v.signature && (
          <>
            <dt>{t('signatures.signature')}</dt>
            <dd>
              <a class="mono" href={signaturePath(v.signature)}>
                {shortDigest(v.signature)}
              </a>
            </dd>
          </>
        )}
        <dt>{t('signatures.policyVersion')}</dt>
        <dd>{v.policy_version}</dd>
        {v.checked_at && (
          <>
            <dt>{t('signatures.checked')}</dt>
            <dd>
              <Time iso={v.checked_at} />
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
