// Garbage collection: run now or as a dry run, the schedule, the history and each run's log.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import type { ExecHistory } from '../../types';
import { attempt, Badge, confirmAction, ErrorBanner, Field, Modal, notify, PageHeader, Spinner } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { bytes, time } from '../../ui/format';

const RUNNING = new Set(['Pending', 'Running', 'Scheduled']);
export const POLL_MS = 1500;

export function statusTone(status: string): string {
  if (status === 'Success') return 'ok';
  if (status === 'Error' || status === 'Stopped') return 'warn';
  return '';
}

interface GcSchedule {
  schedule?: { type?: string; cron?: string; next_scheduled_time?: string };
  parameters?: Record<string, unknown>;
}

function GcView() {
  const [deleteUntagged, setDeleteUntagged] = useState(true);
  const [workers, setWorkers] = useState(1);
  const [current, setCurrent] = useState<ExecHistory | null>(null);
  const [reload, setReload] = useState(0);
  const [log, setLog] = useState<ExecHistory | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  /** Follows a run until it ends, so the page shows its progress. */
  const follow = (id: number) => {
    api
      .get<ExecHistory>(`/system/gc/${id}`)
      .then((run) => {
        setCurrent(run);
        if (RUNNING.has(run.job_status)) {
          timer.current = setTimeout(() => follow(id), POLL_MS);
        } else {
          setReload((n) => n + 1);
          notify(t('gc.finished', { id, status: run.job_status }), run.job_status === 'Success' ? 'ok' : 'error');
        }
      })
      .catch((e) => notify(String(e.message), 'error'));
  };

  const run = async (dryRun: boolean) => {
    if (!dryRun && !(await confirmAction(t('gc.confirmRun'), t('gc.runNow')))) return;
    setCurrent(null);
    await attempt(async () => {
      const location = await api.create('/system/gc/schedule', {
        schedule: { type: 'Manual' },
        parameters: { delete_untagged: deleteUntagged, dry_run: dryRun, workers },
      });
      const id = Number(location.split('/').pop());
      setReload((n) => n + 1);
      if (id) follow(id);
    });
  };

  const stop = async (h: ExecHistory) => {
    if (!(await confirmAction(t('gc.confirmStop', { id: h.id }), t('gc.stop')))) return;
    if (await attempt(() => api.put(`/system/gc/${h.id}`, {}), t('gc.stopping'))) setReload((n) => n + 1);
  };

  return (
    <section>
      <PageHeader title={t('gc.title')} />
      <div class="panels">
        <div class="card">
          <h2>{t('gc.runTitle')}</h2>
          <p class="hint">{t('gc.explain')}</p>
          <label class="inline">
            <input type="checkbox" checked={deleteUntagged} onChange={(e) => setDeleteUntagged((e.target as HTMLInputElement).checked)} />
            {t('gc.deleteUntagged')}
          </label>
          <Field label={t('gc.workers')}>
            {(id) => (
              <select id={id} value={workers} onChange={(e) => setWorkers(Number((e.target as HTMLSelectElement).value))}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            )}
          </Field>
          <div class="actions">
            <button type="button" onClick={() => run(true)} disabled={!!current && RUNNING.has(current.job_status)}>
              {t('gc.dryRun')}
            </button>
            <button type="button" class="primary" onClick={() => run(false)} disabled={!!current && RUNNING.has(current.job_status)}>
              {t('gc.runNow')}
            </button>
          </div>
          {current && (
            <div class="progress" role="status" aria-live="polite" data-testid="gc-progress">
              {RUNNING.has(current.job_status) ? <progress aria-label={t('gc.inProgress')} /> : null}
              {t('gc.runStatus', { id: current.id, status: current.job_status })}
            </div>
          )}
        </div>
        <ScheduleCard />
      </div>
      <h2>{t('gc.history')}</h2>
      <DataTable<ExecHistory>
        caption={t('gc.history')}
        rowKey={(h) => h.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<ExecHistory>('/system/gc', query)}
        empty={t('gc.noHistory')}
        columns={[
          { label: t('gc.id'), sort: 'id', render: (h) => h.id },
          { label: t('gc.trigger'), render: (h) => h.job_kind ?? '' },
          { label: t('gc.parameters'), render: (h) => <Parameters json={h.job_parameters} /> },
          { label: t('gc.status'), sort: 'job_status', render: (h) => <Badge tone={statusTone(h.job_status)}>{h.job_status}</Badge> },
          { label: t('common.created'), sort: 'creation_time', render: (h) => time(h.creation_time) },
          { label: t('common.updated'), sort: 'update_time', render: (h) => time(h.update_time) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (h) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => setLog(h)}>
                  {t('gc.log')}
                </button>
                {RUNNING.has(h.job_status) && (
                  <button type="button" class="small danger" onClick={() => stop(h)}>
                    {t('gc.stop')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {log && <LogModal title={t('gc.logOf', { id: log.id })} path={`/system/gc/${log.id}/log`} onClose={() => setLog(null)} />}
    </section>
  );
}

/** The run's parameters and results (a JSON object as text), as a short wrapped list. */
function Parameters({ json }: { json?: string }) {
  if (!json) return null;
  try {
    const entries = Object.entries(JSON.parse(json) as Record<string, unknown>);
    return (
      <span class="params small">
        {entries.map(([k, v]) => (
          <span key={k}>
            {k}=<b>{k === 'freed_space' ? bytes(Number(v)) : String(v)}</b>
          </span>
        ))}
      </span>
    );
  } catch {
    return <code class="small">{json}</code>;
  }
}

export function LogModal({ title, path, onClose }: { title: string; path: string; onClose: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.text(path).then(setText).catch(setError);
  }, [path]);
  return (
    <Modal title={title} onClose={onClose} wide>
      <ErrorBanner error={error} />
      {text === null && !error ? <Spinner /> : <pre class="log" tabIndex={0}>{text || t('gc.emptyLog')}</pre>}
    </Modal>
  );
}

const TYPES = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];

function ScheduleCard() {
  const [schedule, setSchedule] = useState<GcSchedule | null>(null);
  const [type, setType] = useState('None');
  const [cron, setCron] = useState('0 0 0 * * *');
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .get<GcSchedule>('/system/gc/schedule')
      .then((s) => {
        setSchedule(s ?? {});
        setType(s?.schedule?.type ?? 'None');
        if (s?.schedule?.cron) setCron(s.schedule.cron);
      })
      .catch(setError);
  }, [version]);
  const save = async (e: Event) => {
    e.preventDefault();
    const body = { schedule: type === 'Custom' ? { type, cron } : { type }, parameters: { delete_untagged: true, dry_run: false, workers: 1 } };
    const exists = !!schedule?.schedule?.type;
    const ok = await attempt(() => (exists || type === 'None' ? api.put('/system/gc/schedule', body) : api.create('/system/gc/schedule', body)), t('common.saved'));
    if (ok) setVersion(version + 1);
  };
  return (
    <form class="card" onSubmit={save}>
      <h2>{t('gc.schedule')}</h2>
      <ErrorBanner error={error} />
      <Field label={t('gc.scheduleType')}>
        {(id) => (
          <select id={id} value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`gc.type.${x}` as 'gc.type.None')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {type === 'Custom' && (
        <Field label={t('gc.cron')} hint={t('gc.cronHint')}>
          {(id) => <input id={id} value={cron} required onInput={(e) => setCron((e.target as HTMLInputElement).value)} />}
        </Field>
      )}
      {schedule?.schedule?.next_scheduled_time && <p class="hint">{t('gc.next', { time: time(schedule.schedule.next_scheduled_time) })}</p>}
      <div class="actions">
        <button type="submit" class="primary">
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

registerRoute({ path: '/admin/gc', view: GcView, title: 'gc.title', admin: true, nav: { section: 'admin', order: 50 } });
