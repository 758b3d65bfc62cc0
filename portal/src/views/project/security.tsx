// The project's scanning settings (Harbor's Configuration → Security): scan on push, SBOM on push,
// refuse pulls of vulnerable artifacts at or above a severity, and the project's CVE allowlist.
import { useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import type { Project } from '../../types';
import { attempt, Field } from '../../ui/components';
import { ProjectAllowlistCard } from '../cve-allowlist';
import { severityLabel } from '../artifact-scan';

const PREVENT_AT = ['critical', 'high', 'medium', 'low', 'none'];

export function ProjectSecurityCards({ project, meta, canEdit }: { project: Project; meta: Record<string, string>; canEdit: boolean }) {
  const [autoScan, setAutoScan] = useState(meta.auto_scan === 'true');
  const [autoSbom, setAutoSbom] = useState(meta.auto_sbom_generation === 'true');
  const [prevent, setPrevent] = useState(meta.prevent_vul === 'true');
  const [severity, setSeverity] = useState((meta.severity ?? 'low').toLowerCase());
  const save = async (e: Event) => {
    e.preventDefault();
    const metadata = { auto_scan: String(autoScan), auto_sbom_generation: String(autoSbom), prevent_vul: String(prevent), severity };
    await attempt(() => api.put(`/projects/${seg(project.project_id)}`, { metadata }), t('common.saved'));
  };
  const box = (label: string, value: boolean, set: (v: boolean) => void) => (
    <label class="inline">
      <input type="checkbox" disabled={!canEdit} checked={value} onChange={(e) => set((e.target as HTMLInputElement).checked)} />
      {label}
    </label>
  );
  return (
    <>
      <form class="card" onSubmit={save} data-testid="project-security">
        <h2>{t('projectSecurity.title')}</h2>
        {box(t('projectSecurity.autoScan'), autoScan, setAutoScan)}
        {box(t('projectSecurity.autoSbom'), autoSbom, setAutoSbom)}
        {box(t('projectSecurity.prevent'), prevent, setPrevent)}
        {prevent && (
          <Field label={t('projectSecurity.severity')} hint={t('projectSecurity.severityHint')}>
            {(id) => (
              <select id={id} disabled={!canEdit} value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
                {PREVENT_AT.map((s) => (
                  <option key={s} value={s}>
                    {severityLabel(s[0].toUpperCase() + s.slice(1))}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {canEdit && (
          <div class="actions">
            <button type="submit" class="primary">
              {t('common.save')}
            </button>
          </div>
        )}
      </form>
      <ProjectAllowlistCard projectId={project.project_id} canEdit={canEdit} />
    </>
  );
}
