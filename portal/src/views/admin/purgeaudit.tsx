// Audit log purge (Harbor's "Clean up" of the audit log, /system/purgeaudit): run now or as a dry
// run, the schedule, the history and each run's log. One set of parameters serves both the run
// and the schedule, as in Harbor.
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { word } from '../../i18n/words';
import type { ExecHistory } from '../../types';
import { confirmAction, Field, PageHeader } from '../../ui/components';
import { RunHistory, RunProgress, ScheduleCard, useRuns } from './runs';

const BASE = '/system/purgeaudit';
/** The operations Berth audits; each one is an event type matching every resource type. */
const OPERATIONS = ['create', 'update', 'delete', 'pull', 'login', 'logout'];
const MAX_HOURS = 240_000;
const HOURS = { hours: 1, days: 24 } as const;
type Unit = keyof typeof HOURS;

function PurgeAuditView() {
  const [amount, setAmount] = useState(30);
  const [unit, setUnit] = useState<Unit>('days');
  const [types, setTypes] = useState<string[]>(OPERATIONS);
  // event types a saved schedule names beyond the operations (Harbor's create_artifact, ...)
  const [extra, setExtra] = useState<string[]>([]);
  const runs = useRuns(BASE, (run) => t('purge.finished', { id: run.id, status: word('status', run.job_status) }));

  const hours = amount * HOURS[unit];
  const validHours = Number.isInteger(amount) && hours >= 1 && hours <= MAX_HOURS;
  const parameters = (dryRun: boolean) => ({ audit_retention_hour: hours, include_event_types: types.join(','), dry_run: dryRun });
  const age = `${amount} ${t(`purge.unit.${unit}`)}`;

  const run = async (dryRun: boolean) => {
    if (!dryRun && !(await confirmAction(t('purge.confirmRun', { age }), t('purge.runNow')))) return;
    await runs.start(parameters(dryRun));
  };

  /** Shows what the saved schedule does. */
  const loaded = (schedule: Partial<ExecHistory>) => {
    try {
      const p = JSON.parse(schedule.job_parameters ?? '{}') as { audit_retention_hour?: number; include_event_types?: string };
      const h = Number(p.audit_retention_hour);
      if (Number.isInteger(h) && h > 0) {
        setUnit(h % 24 === 0 ? 'days' : 'hours');
        setAmount(h % 24 === 0 ? h / 24 : h);
      }
      if (typeof p.include_event_types === 'string') {
        const saved = p.include_event_types.split(',').filter(Boolean);
        setTypes(saved);
        setExtra(saved.filter((x) => !OPERATIONS.includes(x)));
      }
    } catch {
      // a schedule without readable parameters: the defaults stay
    }
  };

  const toggle = (type: string, on: boolean) => setTypes(on ? [...types, type] : types.filter((x) => x !== type));
  const ready = validHours && types.length > 0;

  return (
    <section>
      <PageHeader title={t('purge.title')} />
      <div class="panels">
        <div class="card">
          <h2>{t('runs.runTitle')}</h2>
          <p class="hint">{t('purge.explain')}</p>
          <div class="row top">
            <Field label={t('purge.keep')} hint={t('purge.keepHint')}>
              {(id) => (
                <input id={id} name="retention" type="number" min={1} step={1} required value={String(amount)} onInput={(e) => setAmount(Number((e.target as HTMLInputElement).value))} />
              )}
            </Field>
            <Field label={t('purge.unit')}>
              {(id) => (
                <select id={id} value={unit} onChange={(e) => setUnit((e.target as HTMLSelectElement).value as Unit)}>
                  <option value="hours">{t('purge.unit.hours')}</option>
                  <option value="days">{t('purge.unit.days')}</option>
                </select>
              )}
            </Field>
          </div>
          {!validHours && <p class="banner warn">{t('purge.badRetention', { max: MAX_HOURS })}</p>}
          <fieldset>
            <legend>{t('purge.eventTypes')}</legend>
            {[...OPERATIONS, ...extra].map((type) => (
              <label key={type} class="inline">
                <input type="checkbox" name="event_type" value={type} checked={types.includes(type)} onChange={(e) => toggle(type, (e.target as HTMLInputElement).checked)} />
                {OPERATIONS.includes(type) ? word('operation', type) : <code>{type}</code>}
              </label>
            ))}
          </fieldset>
          {types.length === 0 && <p class="banner warn">{t('purge.noTypes')}</p>}
          <div class="actions">
            <button type="button" onClick={() => run(true)} disabled={runs.running || !ready}>
              {t('runs.dryRun')}
            </button>
            <button type="button" class="primary" onClick={() => run(false)} disabled={runs.running || !ready}>
              {t('purge.runNow')}
            </button>
          </div>
          <RunProgress run={runs.current} label={t('purge.inProgress')} testId="purge-progress" />
        </div>
        <ScheduleCard path={`${BASE}/schedule`} parameters={parameters(false)} hint={t('purge.scheduleHint')} onLoaded={loaded} />
      </div>
      <RunHistory base={BASE} reloadKey={runs.reload} empty={t('purge.noHistory')} formats={{ audit_retention_hour: (v) => t('purge.hours', { n: String(v) }) }} />
    </section>
  );
}

registerRoute({ path: '/admin/purge-audit', view: PurgeAuditView, title: 'purge.title', admin: true, nav: { section: 'admin', order: 45 } });
