// Harbor's user group types, shared by the groups page and the project's Members tab.
import { t, type MessageKey } from '../i18n';

export const LDAP = 1;
export const GROUP_TYPES: { id: number; key: MessageKey }[] = [
  { id: LDAP, key: 'groups.type.ldap' },
  { id: 2, key: 'groups.type.http' },
  { id: 3, key: 'groups.type.oidc' },
];

export function groupTypeName(type: number): string {
  const known = GROUP_TYPES.find((g) => g.id === type);
  return known ? t(known.key) : String(type);
}

/** Chooses a group type; with anyLabel, also "any type" (value 0). */
export function GroupTypeSelect(props: { id: string; value: number; onChange: (type: number) => void; anyLabel?: string }) {
  return (
    <select id={props.id} name="group_type" value={props.value} onChange={(e) => props.onChange(Number((e.target as HTMLSelectElement).value))}>
      {props.anyLabel && <option value={0}>{props.anyLabel}</option>}
      {GROUP_TYPES.map((g) => (
        <option key={g.id} value={g.id}>
          {t(g.key)}
        </option>
      ))}
    </select>
  );
}
