// Test harness for the views: a fake API answering fetch by method and path, a rendered
// component in happy-dom, and helpers that act as a user would.
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

export type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = (call: Call) => Reply | undefined;

/** Routes "METHOD /path" (path without the query) to replies; records every call. */
export function fakeApi(routes: Record<string, Reply | Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://berth.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries((init.headers as Record<string, string>) ?? {}));
    const call: Call = { method, path: decodeURIComponent(url.pathname), query: url.searchParams, headers, body: init.body === undefined ? '' : String(init.body) };
    calls.push(call);
    const route = routes[`${method} ${call.path}`];
    const reply = typeof route === 'function' ? route(call) : route;
    if (!reply) {
      return new Response(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: `no fake for ${method} ${call.path}` }] }), { status: 404 });
    }
    const status = reply.status ?? 200;
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(status === 204 ? null : text, { status, headers: reply.headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    find: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}

export function list<T>(items: T[], total = items.length): Reply {
  return { body: items, headers: { 'X-Total-Count': String(total) } };
}

export function error(status: number, message: string): Reply {
  return { status, body: { errors: [{ code: 'ERR', message }] } };
}

let container: HTMLElement | null = null;

export async function mount(node: ComponentChild): Promise<HTMLElement> {
  unmount();
  container = document.createElement('div');
  document.body.appendChild(container);
  await act(() => {
    render(node, container!);
  });
  await settle();
  return container;
}

export function unmount() {
  if (container) {
    render(null, container);
    container.remove();
    container = null;
  }
  document.body.innerHTML = '';
}

/** Lets pending fetches, effects and debounce timers run. */
export async function settle(rounds = 6) {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }
}

/** Waits until the check passes, letting the app run between tries (bounded, not timed). */
/**
 * Retries the check every 10 ms until it passes or `timeoutMs` has gone by: a deadline rather
 * than a number of tries, so a machine busy with other work (a build, a test server) gets the
 * same chance as an idle one.
 */
export async function until(check: () => void, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() >= deadline) {
        throw e;
      }
    }
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

export function text(): string {
  return document.body.textContent ?? '';
}

/** The control a label names; inside an open dialog when there is one, as a user would see it. */
export function byLabel<T extends HTMLElement = HTMLInputElement>(label: string, root: ParentNode = document.querySelector('[role=dialog]') ?? document): T {
  for (const l of root.querySelectorAll('label')) {
    if (l.textContent?.trim() === label) {
      const id = l.getAttribute('for');
      if (id) return document.getElementById(id) as T;
      const inner = l.querySelector('input,select,textarea');
      if (inner) return inner as T;
    }
  }
  const aria = root.querySelector(`[aria-label="${label}"]`);
  if (aria) return aria as T;
  if (root !== document) return byLabel<T>(label, document);
  throw new Error(`no control labelled ${label}`);
}

export function button(name: string): HTMLButtonElement {
  const found = [...document.querySelectorAll('button')].find(
    (b) => b.getAttribute('aria-label') === name || b.textContent?.trim() === name,
  );
  if (!found) throw new Error(`no button ${name}; buttons: ${[...document.querySelectorAll('button')].map((b) => b.textContent).join(', ')}`);
  return found;
}

/** A button of the open dialog (a confirmation's, say), not the page's button of the same name. */
export function dialogButton(name: string): HTMLButtonElement {
  const found = [...document.querySelectorAll<HTMLButtonElement>('[role=dialog] button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`no button ${name} in a dialog`);
  return found;
}

export function queryButton(name: string): HTMLButtonElement | undefined {
  try {
    return button(name);
  } catch {
    return undefined;
  }
}

export async function click(el: HTMLElement) {
  await act(() => {
    el.click();
  });
  await settle();
}

export async function type(el: HTMLInputElement, value: string) {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle();
}

export async function choose(el: HTMLSelectElement, value: string) {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

export async function submit(el: HTMLElement) {
  const form = el.closest('form')!;
  await act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

/**
 * Catches the files the page saves (ui/download.ts): their names and contents, instead of
 * happy-dom following the blob: address. Call `restore()` at the end of the test.
 */
export function captureDownloads() {
  const files: { name: string; blob: Blob }[] = [];
  let pending: Blob | undefined;
  const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => ((pending = b as Blob), 'blob:test'));
  const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  const follow = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    if (pending) files.push({ name: this.download, blob: pending });
    pending = undefined;
  });
  return {
    files,
    restore: () => [create, revoke, follow].forEach((spy) => spy.mockRestore()),
  };
}
