// A proxy-cache project's cache status (Berth's extension, docs/proxy-cache.md): the upstream as
// this replica sees it (rate-limit figures, Retry-After hold) and each cached tag's upstream
// digest, last revalidation and staleness. Members read; shown only for proxy-cache projects.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Project } from '../../types';
import { Badge, ErrorBanner, Spinner, Time } from '../../ui/components';
import { StaticTable } from '../../ui/DataTable';

export interface ProxyCacheStatus {
  registry_id: number;
  registry_name: string;
  registry_type: string;
  registry_url: string;
  revalidate_after_seconds: number;
  upstream_held_until: string | null;
  rate_limit: { remaining: string | null; limit: string | null; seen_at: string } | null;
  cached_tags: number;
  stale_tags: number;
}

export interface ProxyCacheTag {
  repository_name: string;
  tag: string;
  upstream_digest: string;
  last_revalidation: string;
  stale: boolean;
}

const PAGE_SIZE = 100;

function ProxyCacheTab({ project }: { project: Project }) {
  const base = `/projects/${seg(project.project_id)}/proxy-cache`;
  const [status, setStatus] = useState<ProxyCacheStatus | null>(null);
  const [tags, setTags] = useState<ProxyCacheTag[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    Promise.all([api.get<ProxyCacheStatus>(base), api.get<ProxyCacheTag[]>(`${base}/tags?page_size=${PAGE_SIZE}`)])
      .then(([s, tg]) => {
        setStatus(s);
        setTags(tg ?? []);
      })
      .catch(setError);
  }, [base, reload]);
  if (error) return <ErrorBanner error={error} />;
  if (!status || !tags) return <Spinner />;
  const rate = status.rate_limit;
  return (
    <>
      <p class="hint">{t('proxyCache.hint', { seconds: status.revalidate_after_seconds })}</p>
      <div class="card" aria-label={t('proxyCache.upstream')}>
        <h2>{t('proxyCache.upstream')}</h2>
        <dl class="kv">
          <dt>{t('proxyCache.endpoint')}</dt>
          <dd>
            {status.registry_name} <span class="muted">({status.registry_type})</span> <code class="break">{status.registry_url}</code>
          </dd>
          <dt>{t('proxyCache.rateLimit')}</dt>
          <dd>
            {rate ? (
              <>
                {t('proxyCache.remainingOf', { remaining: rate.remaining ?? '?', limit: rate.limit ?? '?' })} <Time iso={rate.seen_at} />
              </>
            ) : (
              <span class="muted">{t('proxyCache.noRateLimit')}</span>
            )}
          </dd>
          <dt>{t('proxyCache.held')}</dt>
          <dd>
            {status.upstream_held_until ? (
              <Badge tone="warn">
                {t('proxyCache.heldUntil')} <Time iso={status.upstream_held_until} />
              </Badge>
            ) : (
              <span class="muted">{t('proxyCache.notHeld')}</span>
            )}
          </dd>
          <dt>{t('proxyCache.tags')}</dt>
          <dd>{t('proxyCache.counts', { total: status.cached_tags, stale: status.stale_tags })}</dd>
        </dl>
        <button type="button" onClick={() => setReload(reload + 1)}>
          {t('proxyCache.refresh')}
        </button>
      </div>
      <div class="card">
        <h2>{t('proxyCache.tags')}</h2>
        {status.cached_tags > tags.length && <p class="muted">{t('proxyCache.firstOf', { shown: tags.length, total: status.cached_tags })}</p>}
        <StaticTable<ProxyCacheTag>
          caption={t('proxyCache.tags')}
          rows={tags}
          rowKey={(r) => `${r.repository_name}:${r.tag}`}
          empty={t('proxyCache.noTags')}
          columns={[
            { label: t('proxyCache.repository'), render: (r) => r.repository_name },
            { label: t('proxyCache.tag'), render: (r) => r.tag },
            { label: t('proxyCache.upstreamDigest'), render: (r) => <code class="break">{r.upstream_digest}</code> },
            { label: t('proxyCache.lastRevalidation'), render: (r) => <Time iso={r.last_revalidation} /> },
            { label: t('proxyCache.state'), render: (r) => (r.stale ? <Badge tone="warn">{t('proxyCache.stale')}</Badge> : <Badge tone="ok">{t('proxyCache.fresh')}</Badge>) },
          ]}
        />
      </div>
    </>
  );
}

registerProjectTab({
  id: 'proxy-cache',
  label: 'proxyCache.title',
  order: 15,
  view: ProxyCacheTab,
  visible: (perms, project) => !!project.registry_id && perms.has('configuration', 'read'),
});
