// Harbor's API shapes, as far as the portal reads them.
export interface User {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  comment?: string;
  sysadmin_flag: boolean;
  /** An administrator by the identity provider (an LDAP user in the administrators' group). */
  admin_role_in_auth?: boolean;
  creation_time?: string;
  /** Harbor's OIDCUserInfo, for a user onboarded through the OIDC provider; the secret for themself only. */
  oidc_user_meta?: { id: number; user_id: number; subiss: string; secret?: string };
}

export interface SystemInfo {
  auth_mode?: string;
  /** The OIDC provider's name, for the "Login via OIDC provider" button (oidc_auth only). */
  oidc_provider_name?: string;
  self_registration?: boolean;
  external_url?: string;
  registry_url?: string;
  harbor_version?: string;
  project_creation_restriction?: string;
  registry_storage_provider_name?: string;
  read_only?: boolean;
  current_time?: string;
  banner_message?: string;
  [key: string]: unknown;
}

export interface Project {
  project_id: number;
  name: string;
  owner_name?: string;
  creation_time?: string;
  repo_count?: number;
  /** The upstream registry of a proxy cache project; 0 or absent for an ordinary project. */
  registry_id?: number;
  current_user_role_id?: number;
  metadata?: Record<string, string>;
}

export interface ProjectSummary {
  repo_count?: number;
  project_admin_count?: number;
  maintainer_count?: number;
  developer_count?: number;
  guest_count?: number;
  limited_guest_count?: number;
  quota?: { hard?: { storage?: number }; used?: { storage?: number } };
}

/** The caller's permissions in one project, as "resource:action" strings. */
export interface Perms {
  has(resource: string, action: string): boolean;
  admin: boolean;
}

export interface Repository {
  id: number;
  name: string;
  project_id: number;
  description?: string;
  artifact_count: number;
  pull_count?: number;
  creation_time?: string;
  update_time?: string;
}

export interface Tag {
  id: number;
  name: string;
  push_time?: string;
  pull_time?: string;
  artifact_id?: number;
  repository_id?: number;
}

export interface Label {
  id: number;
  name: string;
  description?: string;
  color?: string;
  scope: 'g' | 'p';
  project_id?: number;
  creation_time?: string;
}

export interface Accessory {
  id: number;
  artifact_id?: number;
  subject_artifact_id?: number;
  digest: string;
  type: string;
  size: number;
  creation_time?: string;
}

export interface Reference {
  parent_id: number;
  child_id: number;
  child_digest: string;
  platform?: { architecture?: string; os?: string; variant?: string; 'os.version'?: string };
}

export interface Artifact {
  id: number;
  type: string;
  media_type?: string;
  manifest_media_type?: string;
  artifact_type?: string;
  digest: string;
  size: number;
  push_time?: string;
  pull_time?: string;
  project_id?: number;
  repository_id?: number;
  repository_name?: string;
  tags?: Tag[] | null;
  labels?: Label[] | null;
  accessories?: Accessory[] | null;
  references?: Reference[] | null;
  extra_attrs?: Record<string, unknown>;
  annotations?: Record<string, string> | null;
  addition_links?: Record<string, { href: string; absolute: boolean }>;
}

export interface Member {
  id: number;
  project_id: number;
  entity_name: string;
  entity_type: 'u' | 'g';
  entity_id: number;
  role_id: number;
  role_name?: string;
}

/** Harbor's user group: group_type 1 LDAP (with its DN), 2 HTTP auth proxy, 3 OIDC. */
export interface UserGroup {
  id: number;
  group_name: string;
  group_type: number;
  ldap_group_dn?: string;
}

export interface Robot {
  id: number;
  name: string;
  description?: string;
  level: 'system' | 'project';
  duration: number;
  expires_at: number;
  disable: boolean;
  creation_time?: string;
  permissions?: RobotPermission[];
  secret?: string;
}

export interface RobotPermission {
  kind: 'project' | 'system';
  namespace: string;
  access: { resource: string; action: string; effect?: string }[];
}

export interface AuditLog {
  id: number;
  resource: string;
  resource_type: string;
  username: string;
  operation: string;
  op_time: string;
  /** Harbor's AuditLogExt (/auditlog-exts): what the change changed. */
  operation_description?: string;
  operation_result?: boolean;
}

export interface ExecHistory {
  id: number;
  job_name?: string;
  job_kind?: string;
  job_parameters?: string;
  schedule?: { type?: string; cron?: string; next_scheduled_time?: string } | null;
  job_status: string;
  deleted?: boolean;
  creation_time?: string;
  update_time?: string;
}

export interface Quota {
  id: number;
  ref?: { id: number; name: string; owner_name?: string };
  hard: { storage: number };
  used: { storage: number };
  creation_time?: string;
  update_time?: string;
}

export type ConfigItem = { value: unknown; editable: boolean };
export type Configurations = Record<string, ConfigItem>;
