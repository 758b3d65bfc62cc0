// Words the server sends that a person reads: run statuses, triggers, job types, audit operations
// and resource types, artifact and accessory types, health states. Each known value has a catalog
// key (`word.<kind>.<value>`), checked by the compiler below; word() shows a value nobody has
// listed yet as it came. The component test "no English status word in 简体中文" renders the pages
// in Chinese and fails the build when one of these values shows untranslated.
import { en } from './en';
import { t, type MessageKey } from './index';

export const JOB_STATUSES = ['Pending', 'Running', 'Scheduled', 'Success', 'Error', 'Stopped'] as const;
/** How a run started (job_kind of an execution, Harbor's trigger). */
export const TRIGGERS = ['MANUAL', 'SCHEDULE', 'EVENT'] as const;
/** Job types of Berth's job service and the ones Harbor users know from theirs. */
export const JOB_TYPES = [
  'GARBAGE_COLLECTION',
  'PURGE_AUDIT_LOG',
  'PURGE_UPLOAD_SESSIONS',
  'SCHEDULER',
  'REPLICATION',
  'IMAGE_SCAN',
  'SBOM',
  'RETENTION',
  'WEBHOOK',
  'SLACK',
  'P2P_PREHEAT',
  'SYSTEM_ARTIFACT_CLEANUP',
  'EXECUTION_SWEEP',
  'SCAN_DATA_EXPORT',
] as const;
export const OPERATIONS = ['create', 'update', 'delete', 'pull', 'login', 'logout'] as const;
export const RESOURCE_TYPES = [
  'artifact',
  'tag',
  'repository',
  'project',
  'project_metadata',
  'member',
  'user',
  'user_group',
  'robot',
  'label',
  'quota',
  'configuration',
  'garbage_collection',
  'purge_audit',
  'immutable_tag_rule',
  'retention',
  'job',
  'job_queue',
  'webhook_policy',
] as const;
export const ARTIFACT_TYPES = ['IMAGE', 'CHART', 'CNAB', 'WASM', 'SBOM', 'UNKNOWN'] as const;
export const ACCESSORY_TYPES = ['signature.cosign', 'signature.notation', 'sbom', 'sbom.harbor', 'subject.accessory'] as const;
export const HEALTH = ['healthy', 'unhealthy'] as const;
/** Components of GET /health. */
export const COMPONENTS = ['core', 'database', 'storage', 'redis'] as const;
/** Resources and actions of Harbor's permission matrix (robot accounts, GET /permissions). */
export const PERM_RESOURCES = [
  'audit-log',
  'preheat-instance',
  'project',
  'replication-policy',
  'replication',
  'replication-adapter',
  'registry',
  'scan-all',
  'system-volumes',
  'garbage-collection',
  'purge-audit',
  'jobservice-monitor',
  'scanner',
  'label',
  'security-hub',
  'catalog',
  'quota',
  'robot',
  'user',
  'ldap-user',
  'user-group',
  'log',
  'metadata',
  'repository',
  'artifact',
  'scan',
  'sbom',
  'tag',
  'accessory',
  'artifact-addition',
  'artifact-label',
  'preheat-policy',
  'immutable-tag',
  'notification-policy',
  'tag-retention',
  'export-cve',
  'member',
  'configuration',
] as const;
export const PERM_ACTIONS = ['list', 'read', 'create', 'update', 'delete', 'pull', 'push', 'stop'] as const;
/** Parameters and results of GC and audit log purge runs. */
export const PARAMS = [
  'delete_untagged',
  'dry_run',
  'workers',
  'freed_space',
  'purged_blobs',
  'purged_manifests',
  'purged_orphan_files',
  'blobs_missing_bytes',
  'bytes_held_for_backup',
  'audit_retention_hour',
  'include_event_types',
  'purged_rows',
  'would_purge_rows',
] as const;
/** Event types of webhook policies (Harbor's names, GET /projects/{p}/webhook/events). */
export const EVENT_TYPES = [
  'PUSH_ARTIFACT',
  'PULL_ARTIFACT',
  'DELETE_ARTIFACT',
  'QUOTA_EXCEED',
  'QUOTA_WARNING',
  'SCANNING_FAILED',
  'SCANNING_STOPPED',
  'SCANNING_COMPLETED',
  'REPLICATION',
  'TAG_RETENTION',
] as const;
/** What an audit entry says changed (the field of its operation_description). */
export const AUDIT_FIELDS = [
  'role',
  'public',
  'storage_limit',
  'sysadmin_flag',
  'disable',
  'duration',
  'description',
  'auto_scan',
  'prevent_vul',
  'severity',
  'reuse_sys_cve_allowlist',
  'enable_content_trust',
  'enable_content_trust_cosign',
  'self_registration',
  'project_creation_restriction',
  'read_only',
  'notification_enable',
  'robot_token_duration',
  'session_timeout',
  'token_expiration',
] as const;
/** Values of system information shown as words. */
export const VALUES = ['true', 'false', 'db_auth', 'ldap_auth', 'oidc_auth', 'everyone', 'adminonly', 'filesystem', 's3'] as const;

const KINDS = {
  status: JOB_STATUSES,
  trigger: TRIGGERS,
  jobType: JOB_TYPES,
  operation: OPERATIONS,
  resourceType: RESOURCE_TYPES,
  artifactType: ARTIFACT_TYPES,
  accessoryType: ACCESSORY_TYPES,
  health: HEALTH,
  component: COMPONENTS,
  param: PARAMS,
  permResource: PERM_RESOURCES,
  permAction: PERM_ACTIONS,
  value: VALUES,
  eventType: EVENT_TYPES,
  auditField: AUDIT_FIELDS,
} as const;
export type WordKind = keyof typeof KINDS;

type Keys<K extends WordKind> = `word.${K}.${(typeof KINDS)[K][number]}`;
type WordKey = { [K in WordKind]: Keys<K> }[WordKind];

// The compiler's check: every listed value has its key in the reference catalog (and so, by the
// catalog's own type, in every other one).
const covered: Record<WordKey, string> = en;
void covered;

/** The translated word for a server value, or the value itself when nobody has listed it yet. */
export function word(kind: WordKind, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const key = `word.${kind}.${value}`;
  return key in en ? t(key as MessageKey) : value;
}

/** Every listed value of every kind: what must never show untranslated. */
export function allWords(): { kind: WordKind; value: string }[] {
  return (Object.keys(KINDS) as WordKind[]).flatMap((kind) => KINDS[kind].map((value) => ({ kind, value })));
}
