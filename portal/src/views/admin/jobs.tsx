// The job service dashboard: worker pools, workers, queues and schedules.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { attempt, Badge, confirmAction, Empty, ErrorBanner, PageHeader, Spinner } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
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
            {pools.length === 0 ? (
              <Empty>{t('jobs.noPools')}</Empty>
            ) : (
              <table>
                <caption class="sr-only">{t('jobs.pools')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('jobs.pool')}</th>
                    <th scope="col">{t('jobs.host')}</th>
                    <th scope="col">{t('jobs.concurrency')}</th>
                    <th scope="col">{t('jobs.heartbeat')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pools.map((p) => (
                    <tr key={p.worker_pool_id}>
                      <td class="mono">{p.worker_pool_id}</td>
                      <td>{p.host}</td>
                      <td>{p.concurrency}</td>
                      <td>{time(p.heartbeat_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>{t('jobs.workers')}</h3>
            <p>{t('jobs.busyOf', { busy: workers.filter((w) => w.job_id).length, total: workers.length })}</p>
            {workers.some((w) => w.job_id) && (
              <table>
                <caption class="sr-only">{t('jobs.workers')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('jobs.job')}</th>
                    <th scope="col">{t('jobs.started')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {workers
                    .filter((w) => w.job_id)
                    .map((w) => (
                      <tr key={w.id}>
                        <td>
                          {w.job_name} <span class="mono">{w.job_id}</span>
                        </td>
                        <td>{time(w.start_at)}</td>
                        <td class="row-actions">
                          <button type="button" class="small" onClick={() => setLog(w.job_id!)}>
                            {t('runs.log')}
                          </button>
                          <button type="button" class="small danger" onClick={() => stopJob(w)}>
                            {t('jobs.stop')}
                          </button>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )}
          </div>
          <div class="card">
            <h2>{t('jobs.queues')}</h2>
            {queues && queues.length === 0 ? (
              <Empty>{t('jobs.noQueues')}</Empty>
            ) : (
              <table>
                <caption class="sr-only">{t('jobs.queues')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('jobs.jobType')}</th>
                    <th scope="col">{t('jobs.pending')}</th>
                    <th scope="col">{t('jobs.latency')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {queues?.map((q) => (
                    <tr key={q.job_type}>
                      <td>
                        {q.job_type} {q.paused && <Badge tone="warn">{t('jobs.paused')}</Badge>}
                      </td>
                      <td>{q.count}</td>
                      <td>{t('jobs.seconds', { n: q.latency })}</td>
                      <td class="row-actions">
                        <button type="button" class="small" onClick={() => queueAction(q, q.paused ? 'resume' : 'pause')}>
                          {q.paused ? t('jobs.resume') : t('jobs.pause')}
                        </button>
                        <button type="button" class="small danger" onClick={() => queueAction(q, 'stop')} disabled={q.count === 0}>
                          {t('jobs.stop')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
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
