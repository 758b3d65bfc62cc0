// The job service dashboard: worker pools, workers, queues and schedules.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { attempt, Badge, confirmAction, ErrorBanner, PageHeader, Spinner } from '../../ui/components';
import { DataTable, StaticTable } from '../../ui/DataTable';
import { time } from '../../ui/format';
import { LogModal } from './runs';

interface Pool {
  pid: number;
  worker_pool_id: string;
  start_at: string;
  heartbeat_at: string;
  concurrency: number;
  host: string;
}
interface Worker {
  id: string;
  pool_id: string;
  job_name?: string;
  job_id?: string;
  start_at?: string;
  checkin_at?: string;
}
interface Queue {
  job_type: string;
  count: number;
  latency: number;
  paused: boolean;
}
interface Schedule {
  id: number;
  vendor_type: string;
  vendor_id: number;
  cron: string;
  update_time: string;
}

function JobsView() {
  const [pools, setPools] = useState<Pool[] | null>(null);
  const [workers, setWorkers] = useState<Worker[]>([]);
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [log, setLog] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.get<Pool[]>('/jobservice/pools'), api.get<Worker[]>('/jobservice/pools/all/workers'), api.get<Queue[]>('/jobservice/queues')])
      .then(([p, w, q]) => {
        setPools(p ?? []);
        setWorkers(w ?? []);
        setQueues(q ?? []);
        setError(null);
      })
      .catch(setError);
  }, [version]);
  const refresh = () => setVersion(version + 1);
  const busy = workers.filter((w) => w.job_id);
  const queueAction = async (q: Queue, action: 'pause' | 'resume' | 'stop') => {
    if (action === 'stop' && !(await confirmAction(t('jobs.confirmStopQueue', { type: q.job_type }), t('jobs.stop')))) return;
    if (await attempt(() => api.put(`/jobservice/queues/${encodeURIComponent(q.job_type)}`, { action }), t('common.saved'))) refresh();
  };
  const stopJob = async (w: Worker) => {
    if (!(await confirmAction(t('jobs.confirmStopJob', { id: w.job_id ?? '' }), t('jobs.stop')))) return;
    if (await attempt(() => api.put(`/jobservice/jobs/${encodeURIComponent(w.job_id!)}`, { action: 'stop' }), t('common.saved'))) refresh();
  };
  return (
    <section>
      <PageHeader title={t('jobs.title')}>
        <button type="button" onClick={refresh}>
          {t('common.refresh')}
        </button>
      </PageHeader>
      <ErrorBanner error={error} />
      {!pools && !error && <Spinner />}
      {pools && (
        <div class="panels">
          <div class="card">
            <h2>{t('jobs.pools')}</h2>
            <StaticTable<Pool>
              caption={t('jobs.pools')}
              rows={pools}
              rowKey={(p) => p.worker_pool_id}
              empty={t('jobs.noPools')}
              columns={[
                { label: t('jobs.pool'), render: (p) => <span class="mono">{p.worker_pool_id}</span> },
                { label: t('jobs.host'), render: (p) => p.host },
                { label: t('jobs.concurrency'), render: (p) => p.concurrency },
                { label: t('jobs.heartbeat'), render: (p) => time(p.heartbeat_at) },
              ]}
            />
            <h3>{t('jobs.workers')}</h3>
            <p>{t('jobs.busyOf', { busy: busy.length, total: workers.length })}</p>
            {busy.length > 0 && (
              <StaticTable<Worker>
                caption={t('jobs.workers')}
                rows={busy}
                rowKey={(w) => w.id}
                columns={[
                  {
                    label: t('jobs.job'),
                    render: (w) => (
                      <>
                        {w.job_name} <span class="mono">{w.job_id}</span>
                      </>
                    ),
                  },
                  { label: t('jobs.started'), render: (w) => time(w.start_at) },
                  {
                    label: t('common.actions'),
                    class: 'actions-col',
                    render: (w) => (
                      <span class="row-actions">
                        <button type="button" class="small" onClick={() => setLog(w.job_id!)}>
                          {t('runs.log')}
                        </button>
                        <button type="button" class="small danger" onClick={() => stopJob(w)}>
                          {t('jobs.stop')}
                        </button>
                      </span>
                    ),
                  },
                ]}
              />
            )}
          </div>
          <div class="card">
            <h2>{t('jobs.queues')}</h2>
            <StaticTable<Queue>
              caption={t('jobs.queues')}
              rows={queues ?? []}
              rowKey={(q) => q.job_type}
              empty={t('jobs.noQueues')}
              columns={[
                {
                  label: t('jobs.jobType'),
                  render: (q) => (
                    <>
                      {q.job_type} {q.paused && <Badge tone="warn">{t('jobs.paused')}</Badge>}
                    </>
                  ),
                },
                { label: t('jobs.pending'), render: (q) => q.count },
                { label: t('jobs.latency'), render: (q) => t('jobs.seconds', { n: q.latency }) },
                {
                  label: t('common.actions'),
                  class: 'actions-col',
                  render: (q) => (
                    <span class="row-actions">
                      <button type="button" class="small" onClick={() => queueAction(q, q.paused ? 'resume' : 'pause')}>
                        {q.paused ? t('jobs.resume') : t('jobs.pause')}
                      </button>
                      <button type="button" class="small danger" onClick={() => queueAction(q, 'stop')} disabled={q.count === 0}>
                        {t('jobs.stop')}
                      </button>
                    </span>
                  ),
                },
              ]}
            />
          </div>
        </div>
      )}
      <h2>{t('jobs.schedules')}</h2>
      <DataTable<Schedule>
        caption={t('jobs.schedules')}
        rowKey={(s) => s.id}
        reloadKey={version}
        fetchPage={(query) => api.page<Schedule>('/schedules', query)}
        empty={t('jobs.noSchedules')}
        columns={[
          { label: t('jobs.jobType'), sort: 'vendor_type', render: (s) => s.vendor_type },
          { label: t('runs.cron'), render: (s) => <code>{s.cron}</code> },
          { label: t('common.updated'), sort: 'update_time', render: (s) => time(s.update_time) },
        ]}
      />
      {log && <LogModal title={t('jobs.logOf', { id: log })} path={`/jobservice/jobs/${encodeURIComponent(log)}/log`} onClose={() => setLog(null)} />}
    </section>
  );
}

registerRoute({ path: '/admin/jobs', view: JobsView, title: 'jobs.title', admin: true, nav: { section: 'admin', order: 60 } });
