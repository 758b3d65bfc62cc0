// The job service dashboard: worker pools, workers, queues and schedules.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { word } from '../../i18n/words';
import { attempt, Badge, confirmAction, ErrorBanner, PageHeader, Spinner, Time } from '../../ui/components';
import { DataTable, StaticTable } from '../../ui/DataTable';
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
  const [paused, setPaused] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [pool, setPool] = useState<string | null>(null);
  const [log, setLog] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.get<Pool[]>('/jobservice/pools'), api.get<Worker[]>('/jobservice/pools/all/workers'), api.get<Queue[]>('/jobservice/queues')])
      .then(([p, w, q]) => {
        setPools(p ?? []);
        setWorkers(w ?? []);
        setQueues(q ?? []);
        setError(null);
        if (p?.length && !p.some((x) => x.worker_pool_id === pool)) setPool(p[0].worker_pool_id);
      })
      .catch(setError);
    api
      .get<{ paused: boolean }>('/schedules/all/paused')
      .then((r) => setPaused(!!r?.paused))
      .catch(() => setPaused(null));
  }, [version]);
  const refresh = () => setVersion((v) => v + 1);
  const busy = workers.filter((w) => w.job_id);
  const queueAction = async (q: Queue, action: 'pause' | 'resume' | 'stop') => {
    const type = word('jobType', q.job_type);
    if (action === 'stop' && !(await confirmAction(t('jobs.confirmStopQueue', { type }), t('jobs.stop')))) return;
    const done = action === 'pause' ? 'jobs.queuePaused' : action === 'resume' ? 'jobs.queueResumed' : 'jobs.queueStopped';
    if (await attempt(() => api.put(`/jobservice/queues/${encodeURIComponent(q.job_type)}`, { action }), t(done, { type }))) refresh();
  };
  const stopJob = async (w: Worker) => {
    if (!(await confirmAction(t('jobs.confirmStopJob', { id: w.job_id ?? '' }), t('jobs.stop')))) return;
    if (await attempt(() => api.put(`/jobservice/jobs/${encodeURIComponent(w.job_id!)}`, { action: 'stop' }), t('jobs.jobStopped', { id: w.job_id ?? '' }))) refresh();
  };
  /** Harbor's "pause all schedules": the scheduler's own queue, paused or resumed. */
  const toggleSchedules = async () => {
    const pause = !paused;
    if (!(await confirmAction(pause ? t('jobs.confirmPauseSchedules') : t('jobs.confirmResumeSchedules'), pause ? t('jobs.pauseSchedules') : t('jobs.resumeSchedules'))))
      return;
    if (await attempt(() => api.put('/jobservice/queues/SCHEDULER', { action: pause ? 'pause' : 'resume' }), pause ? t('jobs.schedulesPaused') : t('jobs.schedulesResumed')))
      refresh();
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
        <div class="panels single">
          <div class="card">
            <h2>{t('jobs.pools')}</h2>
            <p>{t('jobs.busyOf', { busy: busy.length, total: workers.length })}</p>
            <StaticTable<Pool>
              caption={t('jobs.pools')}
              rows={pools}
              rowKey={(p) => p.worker_pool_id}
              empty={t('jobs.noPools')}
              columns={[
                { label: t('jobs.pool'), render: (p) => <span class="mono">{p.worker_pool_id}</span> },
                { label: t('jobs.host'), render: (p) => p.host },
                { label: t('jobs.concurrency'), render: (p) => p.concurrency },
                { label: t('jobs.busy'), render: (p) => busy.filter((w) => w.pool_id === p.worker_pool_id).length },
                { label: t('jobs.heartbeat'), render: (p) => <Time iso={p.heartbeat_at} /> },
                {
                  label: t('common.actions'),
                  class: 'actions-col',
                  render: (p) => (
                    <button type="button" class="small" aria-pressed={pool === p.worker_pool_id ? 'true' : 'false'} onClick={() => setPool(p.worker_pool_id)}>
                      {t('jobs.showWorkers')}
                    </button>
                  ),
                },
              ]}
            />
            {pool && <PoolWorkers pool={pool} version={version} onLog={setLog} onStop={stopJob} />}
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
                      {word('jobType', q.job_type)} {q.paused && <Badge tone="warn">{t('jobs.paused')}</Badge>}
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
      <div class="title-row">
        <h2>{t('jobs.schedules')}</h2>
        {paused !== null && (
          <>
            <Badge tone={paused ? 'warn' : 'ok'}>{paused ? t('jobs.schedulesStatePaused') : t('jobs.schedulesStateRunning')}</Badge>
            <button type="button" class="small" onClick={toggleSchedules}>
              {paused ? t('jobs.resumeSchedules') : t('jobs.pauseSchedules')}
            </button>
          </>
        )}
      </div>
      <DataTable<Schedule>
        caption={t('jobs.schedules')}
        rowKey={(s) => s.id}
        reloadKey={version}
        fetchPage={(query) => api.page<Schedule>('/schedules', query)}
        empty={t('jobs.noSchedules')}
        columns={[
          { label: t('jobs.jobType'), sort: 'vendor_type', render: (s) => word('jobType', s.vendor_type) },
          { label: t('runs.cron'), render: (s) => <code>{s.cron}</code> },
          { label: t('common.updated'), sort: 'update_time', render: (s) => <Time iso={s.update_time} /> },
        ]}
      />
      {log && <LogModal title={t('jobs.logOf', { id: log })} path={`/jobservice/jobs/${encodeURIComponent(log)}/log`} onClose={() => setLog(null)} />}
    </section>
  );
}

/** The workers of one pool, idle ones too, each with its job's log and stop. */
function PoolWorkers({ pool, version, onLog, onStop }: { pool: string; version: number; onLog: (job: string) => void; onStop: (w: Worker) => void }) {
  const [workers, setWorkers] = useState<Worker[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<Worker[]>(`/jobservice/pools/${encodeURIComponent(pool)}/workers`)
      .then((w) => {
        setWorkers(w ?? []);
        setError(null);
      })
      .catch(setError);
  }, [pool, version]);
  const caption = t('jobs.workersOf', { pool });
  return (
    <>
      <h3>{caption}</h3>
      <ErrorBanner error={error} />
      {workers && (
        <StaticTable<Worker>
          caption={caption}
          rows={workers}
          rowKey={(w) => w.id}
          empty={t('jobs.noWorkers')}
          columns={[
            { label: t('jobs.worker'), render: (w) => <span class="mono nowrap">{w.id}</span> },
            {
              label: t('jobs.job'),
              render: (w) =>
                w.job_id ? (
                  <>
                    {word('jobType', w.job_name)} <span class="mono">{w.job_id}</span>
                  </>
                ) : (
                  <span class="muted">{t('jobs.idle')}</span>
                ),
            },
            { label: t('jobs.started'), render: (w) => <Time iso={w.start_at} /> },
            {
              label: t('common.actions'),
              class: 'actions-col',
              render: (w) =>
                w.job_id ? (
                  <span class="row-actions">
                    <button type="button" class="small" onClick={() => onLog(w.job_id!)}>
                      {t('runs.log')}
                    </button>
                    <button type="button" class="small danger" onClick={() => onStop(w)} aria-label={t('jobs.stopJob', { id: w.job_id })}>
                      {t('jobs.stop')}
                    </button>
                  </span>
                ) : null,
            },
          ]}
        />
      )}
    </>
  );
}

registerRoute({ path: '/admin/jobs', view: JobsView, title: 'jobs.title', admin: true, nav: { section: 'admin', order: 60 } });
