// Garbage collection: run now or as a dry run, the schedule, the history and each run's log.
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { word } from '../../i18n/words';
import { confirmAction, Field, PageHeader } from '../../ui/components';
import type { ExecHistory } from '../../types';
import { bytes } from '../../ui/format';
import { RunHistory, RunProgress, ScheduleCard, useRuns } from './runs';

const BASE = '/system/gc';

function GcView() {
  // off, as in Harbor: deleting artifacts is the user's choice, never a default
  const [deleteUntagged, setDeleteUntagged] = useState(false);
  const [workers, setWorkers] = useState(1);
  const runs = useRuns(BASE, (run) => t('gc.finished', { id: run.id, status: word('status', run.job_status) }));

  /** A saved schedule shows what it does. */
  const loaded = (schedule: Partial<ExecHistory>) => {
    try {
      const p = JSON.parse(schedule.job_parameters ?? '{}') as { delete_untagged?: boolean; workers?: number };
      if (typeof p.delete_untagged === 'boolean') setDeleteUntagged(p.delete_untagged);
      if (Number.isInteger(p.workers) && p.workers! >= 1 && p.workers! <= 5) setWorkers(p.workers!);
    } catch {
      // a schedule without readable parameters: the defaults stay
    }
  };

  const run = async (dryRun: boolean) => {
    if (!dryRun && !(await confirmAction(t('gc.confirmRun'), t('gc.runNow')))) return;
    await runs.start({ delete_untagged: deleteUntagged, dry_run: dryRun, workers });
  };

  return (
    <section>
      <PageHeader title={t('gc.title')} />
      <div class="panels">
        <div class="card">
          <h2>{t('runs.runTitle')}</h2>
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
            <button type="button" onClick={() => run(true)} disabled={runs.running}>
              {t('runs.dryRun')}
            </button>
            <button type="button" class="primary" onClick={() => run(false)} disabled={runs.running}>
              {t('gc.runNow')}
            </button>
          </div>
          <RunProgress run={runs.current} label={t('gc.inProgress')} testId="gc-progress" />
        </div>
        <ScheduleCard path={`${BASE}/schedule`} parameters={{ delete_untagged: deleteUntagged, dry_run: false, workers }} hint={t('gc.scheduleHint')} onLoaded={loaded} />
      </div>
      <RunHistory base={BASE} reloadKey={runs.reload} empty={t('gc.noHistory')} formats={{ freed_space: (v) => bytes(Number(v)), bytes_held_for_backup: (v) => bytes(Number(v)), kept_blobs_referenced_bytes: (v) => bytes(Number(v)), kept_blobs_in_time_window_bytes: (v) => bytes(Number(v)) }} />
    </section>
  );
}

registerRoute({ path: '/admin/gc', view: GcView, title: 'gc.title', admin: true, nav: { section: 'admin', order: 50 } });
