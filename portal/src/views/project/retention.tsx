// Tag retention of a project (Harbor's /retentions): the policy's rules, its schedule, dry runs and
// runs, each run's per-repository tasks with their logs (a dry run's log lists what would go).
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { word } from '../../i18n/words';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, Badge, confirmAction, ErrorBanner, Field, FormModal, Modal, Spinner, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';

interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
  extras?: string;
}

export interface RetentionRule {
  id?: number;
  priority?: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, number>;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

export interface RetentionPolicy {
  id: number;
  algorithm: string;
  rules: RetentionRule[];
  trigger: { kind: string; settings: { cron?: string }; references?: Record<string, unknown> };
  scope: { level: string; ref: number };
}

interface RetentionExecution {
  id: number;
  status: string;
  trigger: string;
  dry_run: boolean;
  start_time: string;
  end_time?: string;
}

interface RetentionTask {
  id: number;
  repository: string;
  status: string;
  total: number;
  retained: number;
}

const TEMPLATES = ['latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull', 'always'] as const;
type Template = (typeof TEMPLATES)[number];

function templateText(r: RetentionRule): string {
  const n = r.params?.[r.template] ?? 0;
  switch (r.template as Template) {
    case 'latestPushedK':
      return t('retention.latestPushedK', { n });
    case 'latestPulledN':
      return t('retention.latestPulledN', { n });
    case 'nDaysSinceLastPush':
      return t('retention.nDaysSinceLastPush', { n });
    case 'nDaysSinceLastPull':
      return t('retention.nDaysSinceLastPull', { n });
    default:
      return t('retention.always');
  }
}

function selectorText(s: Selector | undefined): string {
  if (!s) return t('retention.everything');
  const pattern = s.pattern || '**';
  if (s.kind === 'label') return s.decoration === 'withLabels' ? t('retention.withLabels', { pattern }) : t('retention.withoutLabels', { pattern });
  return s.decoration === 'matches' || s.decoration === 'repoMatches' ? t('immutability.matching', { pattern }) : t('immutability.excluding', { pattern });
}

function RetentionTab({ project, perms, reload }: { project: Project; perms: Perms; reload: () => void }) {
  const id = project.metadata?.retention_id;
  const [policy, setPolicy] = useState<RetentionPolicy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [cron, setCron] = useState('');
  const [runs, setRuns] = useState(0);
  const [tasksOf, setTasksOf] = useState<RetentionExecution | null>(null);
  const canEdit = perms.has('tag-retention', 'update');
  useEffect(() => {
    if (!id) return;
    api
      .get<RetentionPolicy>(`/retentions/${seg(id)}`)
      .then((p) => {
        setPolicy(p);
        setCron(p.trigger?.settings?.cron ?? '');
      })
      .catch(setError);
  }, [id, version]);
  if (!id) {
    return (
      <>
        <p class="hint">{t('retention.hint')}</p>
        <p class="empty">{t('retention.none')}</p>
        {perms.has('tag-retention', 'create') && (
          <button
            type="button"
            class="primary"
            onClick={async () => {
              const body = { algorithm: 'or', rules: [], trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} }, scope: { level: 'project', ref: project.project_id } };
              if (await attempt(() => api.create('/retentions', body), t('retention.created'))) reload();
            }}
          >
            {t('retention.create')}
          </button>
        )}
      </>
    );
  }
  if (error) return <ErrorBanner error={error} />;
  if (!policy) return <Spinner />;
  const save = async (rules: RetentionRule[], newCron: string) => {
    const body = { ...policy, rules, trigger: { kind: 'Schedule', settings: { cron: newCron }, references: {} } };
    if (await attempt(() => api.put(`/retentions/${policy.id}`, body), t('common.saved'))) setVersion((v) => v + 1);
  };
  const run = async (dryRun: boolean) => {
    if (!dryRun && !(await confirmAction(t('retention.confirmRun'), t('retention.runNow')))) return;
    if (await attempt(() => api.create(`/retentions/${policy.id}/executions`, { dry_run: dryRun }), t('retention.started'))) setRuns((n) => n + 1);
  };
  return (
    <>
      <p class="hint">{t('retention.hint')}</p>
      <h3>{t('retention.rules')}</h3>
      {policy.rules.length === 0 ? (
        <p class="empty">{t('retention.noRules')}</p>
      ) : (
        <ul class="rules">
          {policy.rules.map((r, i) => (
            <li key={i}>
              {r.disabled && <Badge tone="warn">{t('robots.disabledState')}</Badge>} {t('retention.inRepositories')} <code>{selectorText(r.scope_selectors?.repository?.[0])}</code>,{' '}
              {t('retention.retain')} <b>{templateText(r)}</b> {t('retention.withTags')} <code>{selectorText(r.tag_selectors?.[0])}</code>
              {canEdit && (
                <span class="row-actions">
                  <button type="button" class="small" aria-label={t('retention.editRule', { n: i + 1 })} onClick={() => setEditing(i)}>
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    class="small"
                    aria-label={t(r.disabled ? 'retention.enableRule' : 'retention.disableRule', { n: i + 1 })}
                    onClick={() => save(policy.rules.map((x, j) => (j === i ? { ...x, disabled: !x.disabled } : x)), cron)}
                  >
                    {t(r.disabled ? 'retention.enable' : 'retention.disable')}
                  </button>
                  <button type="button" class="small danger" aria-label={t('retention.deleteRule', { n: i + 1 })} onClick={() => save(policy.rules.filter((_, j) => j !== i), cron)}>
                    {t('common.delete')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && policy.rules.length < 15 && (
        <button type="button" onClick={() => setAdding(true)}>
          {t('retention.addRule')}
        </button>
      )}
      <h3>{t('retention.schedule')}</h3>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          save(policy.rules, cron.trim());
        }}
      >
        <Field label={t('retention.cron')} hint={t('retention.cronHint')}>
          {(fid) => <input id={fid} value={cron} disabled={!canEdit} onInput={(e) => setCron((e.target as HTMLInputElement).value)} />}
        </Field>
        {canEdit && <button type="submit">{t('common.save')}</button>}
      </form>
      <h3>{t('retention.runs')}</h3>
      <DataTable<RetentionExecution>
        caption={t('retention.runs')}
        rowKey={(e) => e.id}
        reloadKey={`${runs}-${version}`}
        fetchPage={(query) => api.page<RetentionExecution>(`/retentions/${policy.id}/executions`, { page: query.page, page_size: query.pageSize })}
        empty={t('retention.noRuns')}
        toolbar={
          perms.has('tag-retention', 'update') && (
            <span class="row-actions">
              <button type="button" onClick={() => run(true)}>
                {t('retention.dryRun')}
              </button>
              <button type="button" class="primary" onClick={() => run(false)}>
                {t('retention.runNow')}
              </button>
              <button type="button" onClick={() => setRuns((n) => n + 1)}>
                {t('retention.refresh')}
              </button>
            </span>
          )
        }
        columns={[
          { label: 'ID', render: (e) => e.id },
          { label: t('robots.status'), render: (e) => word('status', e.status) },
          { label: t('retention.trigger'), render: (e) => word('trigger', e.trigger) },
          { label: t('retention.dryRun'), render: (e) => word('value', String(e.dry_run)) },
          { label: t('retention.startTime'), render: (e) => <Time iso={e.start_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (e) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => setTasksOf(e)}>
                  {t('retention.tasks')}
                </button>
                {canEdit && (e.status === 'Running' || e.status === 'Pending') && (
                  <button
                    type="button"
                    class="small"
                    onClick={async () => {
                      if (await attempt(() => api.patch(`/retentions/${policy.id}/executions/${e.id}`, { action: 'stop' }), t('runs.stopping'))) setRuns((n) => n + 1);
                    }}
                  >
                    {t('retention.stop')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {tasksOf && <Tasks policyId={policy.id} execution={tasksOf} onClose={() => setTasksOf(null)} />}
      {adding && (
        <RuleForm
          onClose={() => setAdding(false)}
          onSave={async (rule) => {
            setAdding(false);
            await save([...policy.rules, rule], cron);
          }}
        />
      )}
      {editing !== null && policy.rules[editing] && (
        <RuleForm
          initial={policy.rules[editing]}
          onClose={() => setEditing(null)}
          onSave={async (rule) => {
            const at = editing;
            setEditing(null);
            await save(
              policy.rules.map((x, j) => (j === at ? rule : x)),
              cron,
            );
          }}
        />
      )}
    </>
  );
}

function Tasks({ policyId, execution, onClose }: { policyId: number; execution: RetentionExecution; onClose: () => void }) {
  const [log, setLog] = useState<string | null>(null);
  const base = `/retentions/${policyId}/executions/${execution.id}`;
  return (
    <Modal title={t('retention.tasksOf', { id: execution.id })} onClose={onClose} wide>
      {execution.dry_run && <WouldGo base={base} />}
      <DataTable<RetentionTask>
        caption={t('retention.tasks')}
        rowKey={(r) => r.id}
        fetchPage={(query) => api.page<RetentionTask>(`${base}/tasks`, { page: query.page, page_size: query.pageSize })}
        empty={t('retention.noTasks')}
        columns={[
          { label: t('immutability.repositories'), render: (r) => r.repository },
          { label: t('robots.status'), render: (r) => word('status', r.status) },
          { label: t('retention.total'), render: (r) => r.total },
          { label: t('retention.retained'), render: (r) => r.retained },
          {
            label: t('common.actions'),
            render: (r) => (
              <button type="button" class="small" onClick={async () => setLog(await api.text(`${base}/tasks/${r.id}`))}>
                {t('retention.log')}
              </button>
            ),
          },
        ]}
      />
      {log !== null && <pre class="log">{log}</pre>}
    </Modal>
  );
}

/** One artifact a dry run would delete: its repository, and its first tag or its digest. */
interface Doomed {
  repository: string;
  digest: string;
  tags: string;
}

const MAX_TASKS_READ = 100;

/**
 * What a dry run would delete, read from its task logs: each task logs one table row per artifact,
 * marked DEL when the run would delete it (`| digest | tags | kind | labels | pushed | pulled | created | DEL |`).
 */
export function doomedIn(repository: string, log: string): Doomed[] {
  const out: Doomed[] = [];
  for (const line of log.split('\n')) {
    const cells = line.slice(line.indexOf('|')).split('|').map((c) => c.trim());
    // ['', digest, tags, kind, labels, pushed, pulled, created, mark, '']
    if (cells.length >= 10 && cells[8] === 'DEL' && cells[1].startsWith('sha256:')) out.push({ repository, digest: cells[1], tags: cells[2] });
  }
  return out;
}

function WouldGo({ base }: { base: string }) {
  const [doomed, setDoomed] = useState<Doomed[] | null>(null);
  const [partial, setPartial] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    (async () => {
      const tasks = await api.page<RetentionTask>(`${base}/tasks`, { page: 1, page_size: MAX_TASKS_READ });
      setPartial(tasks.total > tasks.items.length);
      const found: Doomed[] = [];
      for (const task of tasks.items.filter((x) => x.total > x.retained)) {
        found.push(...doomedIn(task.repository, await api.text(`${base}/tasks/${task.id}`)));
      }
      setDoomed(found);
    })().catch(setError);
  }, [base]);
  if (error) return <ErrorBanner error={error} />;
  if (!doomed) return <Spinner />;
  return (
    <section aria-label={t('retention.wouldGo')}>
      <h4>{t('retention.wouldGoCount', { n: doomed.length })}</h4>
      {doomed.length === 0 ? (
        <p class="empty">{t('retention.nothingWouldGo')}</p>
      ) : (
        <ul class="would-go" data-testid="retention-would-go">
          {doomed.map((d) => (
            <li key={d.repository + d.digest}>
              <code>{d.tags ? `${d.repository}:${d.tags.split(',')[0]}` : `${d.repository}@${d.digest}`}</code>
              {d.tags && <span class="small"> ({d.digest.slice(0, 19)})</span>}
            </li>
          ))}
        </ul>
      )}
      {partial && <p class="hint">{t('retention.wouldGoPartial', { n: MAX_TASKS_READ })}</p>}
    </section>
  );
}

function untaggedOf(s: Selector | undefined): boolean {
  if (!s?.extras) return s?.decoration !== 'excludes';
  try {
    return JSON.parse(s.extras).untagged === true;
  } catch {
    return true;
  }
}

// Adds a rule, or edits one (initial given): the rule keeps its id, priority and disabled state.
function RuleForm({ initial, onClose, onSave }: { initial?: RetentionRule; onClose: () => void; onSave: (rule: RetentionRule) => Promise<void> }) {
  const tag = initial?.tag_selectors?.[0];
  const repo = initial?.scope_selectors?.repository?.[0];
  const [template, setTemplate] = useState<Template>((initial?.template as Template) ?? 'latestPushedK');
  const [param, setParam] = useState(String(initial?.params?.[initial.template] ?? 10));
  const [repoDecoration, setRepoDecoration] = useState(repo?.decoration ?? 'repoMatches');
  const [repoPattern, setRepoPattern] = useState(repo?.pattern ?? '**');
  const [tagKind, setTagKind] = useState(tag?.decoration ?? 'matches');
  const [tagPattern, setTagPattern] = useState(tag?.pattern ?? '**');
  const [untagged, setUntagged] = useState(tag ? untaggedOf(tag) : true);
  const select = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLSelectElement).value);
  return (
    <FormModal
      title={initial ? t('retention.editRuleTitle') : t('retention.addRule')}
      submitLabel={initial ? t('common.save') : t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        const label = tagKind === 'withLabels' || tagKind === 'withoutLabels';
        await onSave({
          ...(initial ? { id: initial.id, priority: initial.priority } : {}),
          disabled: initial?.disabled ?? false,
          action: 'retain',
          template,
          params: template === 'always' ? {} : { [template]: Number(param) },
          tag_selectors: [
            label
              ? { kind: 'label', decoration: tagKind, pattern: tagPattern }
              : { kind: 'doublestar', decoration: tagKind, pattern: tagPattern, extras: JSON.stringify({ untagged }) },
          ],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: repoDecoration, pattern: repoPattern }] },
        });
      }}
    >
      <Field label={t('immutability.repositories')}>
        {(id) => (
          <select id={id} value={repoDecoration} onChange={select(setRepoDecoration)}>
            <option value="repoMatches">{t('immutability.matchingOption')}</option>
            <option value="repoExcludes">{t('immutability.excludingOption')}</option>
          </select>
        )}
      </Field>
      <Field label={t('immutability.repositoryPattern')} hint={t('immutability.patternHint')}>
        {(id) => <input id={id} value={repoPattern} onInput={(e) => setRepoPattern((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('retention.template')}>
        {(id) => (
          <select id={id} value={template} onChange={select((v) => setTemplate(v as Template))}>
            {TEMPLATES.map((tpl) => (
              <option key={tpl} value={tpl}>
                {templateText({ template: tpl, params: { [tpl]: Number(param) || 0 } } as RetentionRule)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {template !== 'always' && (
        <Field label={t('retention.count')}>
          {(id) => <input id={id} type="number" min={0} max={32766} required value={param} onInput={(e) => setParam((e.target as HTMLInputElement).value)} />}
        </Field>
      )}
      <Field label={t('immutability.tags')}>
        {(id) => (
          <select id={id} value={tagKind} onChange={select(setTagKind)}>
            <option value="matches">{t('immutability.matchingOption')}</option>
            <option value="excludes">{t('immutability.excludingOption')}</option>
            <option value="withLabels">{t('retention.withLabelsOption')}</option>
            <option value="withoutLabels">{t('retention.withoutLabelsOption')}</option>
          </select>
        )}
      </Field>
      <Field label={t('retention.tagPattern')} hint={t('retention.tagPatternHint')}>
        {(id) => <input id={id} value={tagPattern} onInput={(e) => setTagPattern((e.target as HTMLInputElement).value)} />}
      </Field>
      <label class="check">
        <input type="checkbox" checked={untagged} onChange={(e) => setUntagged((e.target as HTMLInputElement).checked)} /> {t('retention.untagged')}
      </label>
    </FormModal>
  );
}

registerProjectTab({ id: 'retention', label: 'retention.title', order: 46, view: RetentionTab, visible: (p) => p.has('tag-retention', 'list') });
