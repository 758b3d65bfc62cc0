// The route registry. A feature adds a page by calling registerRoute (and, for a tab of the
// project page, registerProjectTab) from its own module under src/views/, imported once in
// src/views/index.ts; nothing else needs to change.
import type { ComponentType } from 'preact';
import type { MessageKey } from './i18n';
import { signal } from './state';

export type Params = Record<string, string>;

export interface RouteDef {
  /** '/projects/:project/repositories/*repo': ':x' is one segment, '*x' one or more. */
  path: string;
  view: ComponentType<{ params: Params }>;
  title: MessageKey;
  /** Only for system administrators (the navigation hides it and the page refuses). */
  admin?: boolean;
  /** Reachable without signing in. */
  anonymous?: boolean;
  /** An entry in the side navigation. */
  nav?: { section: 'main' | 'admin'; order: number };
}

interface Compiled extends RouteDef {
  regex: RegExp;
  names: string[];
  literals: number;
}

const routes: Compiled[] = [];

function compile(def: RouteDef): Compiled {
  const names: string[] = [];
  let literals = 0;
  const source = def.path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '/([^/]+)';
      }
      if (part.startsWith('*')) {
        names.push(part.slice(1));
        return '/(.+?)';
      }
      literals++;
      return '/' + part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { ...def, names, literals, regex: new RegExp(`^${source || '/'}/?$`) };
}

export function registerRoute(def: RouteDef) {
  routes.push(compile(def));
  // The most specific pattern wins: more literal segments first, then registration order.
  routes.sort((a, b) => b.literals - a.literals);
}

export function allRoutes(): readonly RouteDef[] {
  return routes;
}

export interface Match {
  route: RouteDef;
  params: Params;
}

export function match(pathname: string): Match | undefined {
  for (const r of routes) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params: Params = {};
      r.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]);
      });
      return { route: r, params };
    }
  }
  return undefined;
}

export const location = signal({ path: currentPath(), search: currentSearch() });

function currentPath() {
  return typeof window === 'undefined' ? '/' : window.location.pathname;
}
function currentSearch() {
  return typeof window === 'undefined' ? '' : window.location.search;
}

export function navigate(to: string, replace = false) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  location.set({ path: currentPath(), search: currentSearch() });
  window.scrollTo?.(0, 0);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => location.set({ path: currentPath(), search: currentSearch() }));
}

/** A path segment for a value that may contain '/', such as a repository name. */
export function pathOf(...parts: (string | number)[]): string {
  return (
    '/' +
    parts
      .map((p) =>
        String(p)
          .split('/')
          .map((s) => encodeURIComponent(s))
          .join('/'),
      )
      .join('/')
  );
}

// Tabs of the project page, registered like routes.
export interface ProjectTab {
  id: string;
  label: MessageKey;
  order: number;
  /** `reload` reads the project and the caller's permissions again (after a change of one's own role, say). */
  view: ComponentType<{ project: import('./types').Project; perms: import('./types').Perms; reload: () => void }>;
  /** Shown only when this returns true for the caller's permissions in the project (and the project). */
  visible?: (perms: import('./types').Perms, project: import('./types').Project) => boolean;
}

const projectTabs: ProjectTab[] = [];
export function registerProjectTab(tab: ProjectTab) {
  projectTabs.push(tab);
  projectTabs.sort((a, b) => a.order - b.order);
}
export function allProjectTabs(): readonly ProjectTab[] {
  return projectTabs;
}
