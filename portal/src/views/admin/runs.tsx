// What the pages of Harbor's scheduled system jobs share (garbage collection, audit log purge):
// under one base path (/system/gc, /system/purgeaudit) a run is started by POSTing a Manual
// schedule, followed at base/{id} until it ends, stopped with PUT base/{id}, its log read at
// base/{id}/log; the schedule lives at base/schedule and the history at base.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import type { ExecHistory } from '../../types';
import { word } from '../../i18n/words';
import { attempt, Badge, confirmAction, ErrorBanner, Field, Modal, notify, Spinner, SubmitRow, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { time } from '../../ui/format';

const RUNNING = new Set(['Pending', 'Running', 'Scheduled']);
const POLL_MS = 1500;

export function isRunning(run: ExecHistory | null): boolean {
  return !!run && RUNNING.has(run.job_status);
}

function statusTone(status: string): string {
  if (status === 'Success') return 'ok';
  if (status === 'Error' || status === 'Stopped') return 'warn';
  return '';
}

/**
 * Starts runs of the job at `base` and follows the latest every POLL_MS until it ends, then
 * announces `ended(run)`. `reload` changes whenever the history should be read again.
 */
export function useRuns(base: string, ended: (run: ExecHistory) => string) {
  const [current, setCurrent] = useState<ExecHistory | null>(null);
  const [reload, setReload] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const follow = (id: number) => {
    api
      .get<ExecHistory>(`${base}/${id}`)
      .then((run) => {
        setCurrent(run);
        if (RUNNING.has(run.job_status)) {
          timer.current = setTimeout(() => follow(id), POLL_MS);
        } else {
          setReload((n) => n + 1);
          notify(ended(run), run.job_status === 'Success' ? 'ok' : 'error');
        }
      })
      .catch((e) => notify(String(e.message), 'error'));
  };

  const start = async (parameters: Record<string, unknown>) => {
    setCurrent(null);
    await attempt(async () => {
      const location = await api.create(`${base}/schedule`, { schedule: { type: 'Manual' }, parameters });
      const id = Number(location.split('/').pop());
      setReload((n) => n + 1);
      if (id) follow(id);
    });
  };

  return { current, running: isRunning(current), reload, start };
}

/** The run being followed: a progress bar while it runs, then its outcome. */
export function RunProgress({ run, label, testId }: { run: ExecHistory | null; label: string; testId: string }) {
  if (!run) return null;
  return (
    <div class="progress" role="status" aria-live="polite" data-testid={testId}>
      {isRunning(run) ? <progress aria-label={label} /> : null}
      {t('runs.runStatus', { id: run.id, status: word('status', run.job_status) })}
    </div>
  );
}

/** Shows some results in their unit, e.g. freed_space in bytes. */
export type Formats = Record<string, (value: unknown) => string>;

/** A run's parameters and results (a JSON object as text), as a short wrapped list in words. */
function Parameters({ json, formats }: { json?: string; formats?: Formats }) {
  if (!json) return null;
  try {
    const entries = Object.entries(JSON.parse(json) as Record<string, unknown>);
    return (
      <span class="params small">
        {entries.map(([k, v]) => (
          <span key={k}>
            {word('param', k)}: <b>{formats?.[k] ? formats[k](v) : valueText(k, v)}</b>
          </span>
        ))}
      </span>
    );
  } catch {
    return <code class="small">{json}</code>;
  }
}

/** A parameter's value for a reader: yes/no, event types as operations, the rest as it is. */
function valueText(key: string, v: unknown): string {
  if (typeof v === 'boolean') return word('value', String(v));
  if (key === 'include_event_types' && typeof v === 'string') return v.split(',').map((x) => word('operation', x)).join(', ');
  return String(v);
}

/** The history of the job's runs, newest first, each with its log and, while it runs, a stop. */
export function RunHistory(props: { base: string; reloadKey: unknown; empty: string; formats?: Formats }) {
  const [stopped, setStopped] = useState(0);
  const [log, setLog] = useState<ExecHistory | null>(null);
  const stop = async (h: ExecHistory) => {
    if (!(await confirmAction(t('runs.confirmStop', { id: h.id }), t('runs.stop')))) return;
    if (await attempt(() => api.put(`${props.base}/${h.id}`, {}), t('runs.stopping'))) setStopped((n) => n + 1);
  };
  return (
    <>
      <h2>{t('runs.history')}</h2>
      <DataTable<ExecHistory>
        caption={t('runs.history')}
        rowKey={(h) => h.id}
        reloadKey={`${String(props.reloadKey)}/${stopped}`}
        fetchPage={(query) => api.page<ExecHistory>(props.base, query)}
        empty={props.empty}
        columns={[
          { label: t('runs.id'), sort: 'id', render: (h) => h.id },
          { label: t('runs.trigger'), render: (h) => word('trigger', h.job_kind) },
          { label: t('runs.parameters'), render: (h) => <Parameters json={h.job_parameters} formats={props.formats} /> },
          { label: t('runs.status'), sort: 'job_status', render: (h) => <Badge tone={statusTone(h.job_status)}>{word('status', h.job_status)}</Badge> },
          { label: t('common.created'), sort: 'creation_time', render: (h) => <Time iso={h.creation_time} /> },
          { label: t('common.updated'), sort: 'update_time', render: (h) => <Time iso={h.update_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (h) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => setLog(h)}>
                  {t('runs.log')}
                </button>
                {isRunning(h) && (
                  <button type="button" class="small danger" onClick={() => stop(h)}>
                    {t('runs.stop')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {log && <LogModal title={t('runs.logOf', { id: log.id })} path={`${props.base}/${log.id}/log`} onClose={() => setLog(null)} />}
    </>
  );
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
      {text === null && !error ? <Spinner /> : <pre class="log" tabIndex={0}>{text || t('runs.emptyLog')}</pre>}
    </Modal>
  );
}

const TYPES = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];

/**
 * The job's schedule at `path`, saved with `parameters`. `onLoaded` receives the saved schedule
 * (with its job_parameters) once read, so a page can show what a scheduled run will do.
 */
export function ScheduleCard(props: {
  path: string;
  parameters: Record<string, unknown>;
  hint?: string;
  onLoaded?: (schedule: Partial<ExecHistory>) => void;
}) {
  const [schedule, setSchedule] = useState<Partial<ExecHistory> | null>(null);
  const [type, setType] = useState('None');
  const [cron, setCron] = useState('0 0 0 * * *');
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .get<Partial<ExecHistory>>(props.path)
      .then((s) => {
        setSchedule(s ?? {});
        setType(s?.schedule?.type ?? 'None');
        if (s?.schedule?.cron) setCron(s.schedule.cron);
        if (s?.schedule?.type) props.onLoaded?.(s);
      })
      .catch(setError);
  }, [props.path, version]);
  const save = async (e: Event) => {
    e.preventDefault();
    const body = { schedule: type === 'Custom' ? { type, cron } : { type }, parameters: props.parameters };
    const exists = !!schedule?.schedule?.type;
    const ok = await attempt(
      () => (exists || type === 'None' ? api.put(props.path, body) : api.create(props.path, body)),
      type === 'None' ? t('runs.scheduleRemoved') : t('runs.scheduleSaved', { type: t(`runs.type.${type}` as 'runs.type.None') }),
    );
    if (ok) setVersion(version + 1);
  };
  return (
    <form class="card" onSubmit={save}>
      <h2>{t('runs.schedule')}</h2>
      <ErrorBanner error={error} />
      <Field label={t('runs.scheduleType')}>
        {(id) => (
          <select id={id} value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`runs.type.${x}` as 'runs.type.None')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {type === 'Custom' && (
        <Field label={t('runs.cron')} hint={t('runs.cronHint')}>
          {(id) => <input id={id} value={cron} required onInput={(e) => setCron((e.target as HTMLInputElement).value)} />}
        </Field>
      )}
      {schedule?.schedule?.next_scheduled_time && <p class="hint">{t('runs.next', { time: time(schedule.schedule.next_scheduled_time) })}</p>}
      {props.hint && <p class="hint">{props.hint}</p>}
      <SubmitRow />
    </form>
  );
}
