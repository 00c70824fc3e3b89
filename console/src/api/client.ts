import { path, RouteName } from './routes';
import type { Resource, StatusBody, WatchEvent } from './types';

/** A refused request: the server's Kubernetes Status, with each field's message when it named fields. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly reason = '',
              readonly causes: { field: string; message: string }[] = []) {
    super(message);
  }

  /** The message for one field (a 422's cause), matched on the field path or its end. */
  fieldMessage(field: string): string | undefined {
    const hit = this.causes.find((c) => c.field === field || c.field.endsWith('.' + field) || c.field.startsWith(field + '['));
    return hit?.message;
  }
}

export type Kind = 'providers' | 'networkmaps' | 'storagemaps' | 'plans' | 'migrations' | 'hooks' | 'secrets';
const CORE: ReadonlySet<Kind> = new Set(['secrets']);

const KIND_NAMES: Record<Kind, string> = {
  providers: 'Provider', networkmaps: 'NetworkMap', storagemaps: 'StorageMap', plans: 'Plan',
  migrations: 'Migration', hooks: 'Hook', secrets: 'Secret',
};

export function apiVersionOf(kind: Kind): string {
  return CORE.has(kind) ? 'v1' : 'forklift.konveyor.io/v1beta1';
}

export function kindName(kind: Kind): string {
  return KIND_NAMES[kind];
}

/** The console's session: cookie (HttpOnly, set by the server) + CSRF token (kept in memory only). */
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

export async function loadSession(): Promise<boolean> {
  const r = await fetch(path('session'), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) return false;
  csrfToken = (await r.json()).csrfToken;
  return true;
}

export async function login(token: string): Promise<void> {
  const r = await fetch(path('session'), {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!r.ok) throw await errorOf(r);
  csrfToken = (await r.json()).csrfToken;
}

export async function logout(): Promise<void> {
  await fetch(path('session'), { method: 'DELETE', credentials: 'same-origin', headers: csrfHeaders() });
  csrfToken = null;
}

function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

async function errorOf(r: Response): Promise<ApiError> {
  let body: StatusBody | null = null;
  try {
    body = await r.json();
  } catch {
    // not a Status: keep the HTTP status line
  }
  const causes = (body?.details?.causes ?? []).map((c) => ({ field: c.field ?? '', message: c.message ?? c.reason ?? '' }));
  return new ApiError(r.status, body?.message ?? `${r.status} ${r.statusText}`, body?.reason ?? '', causes);
}

export async function request<T>(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, csrfHeaders());
  if (body !== undefined) headers['Content-Type'] = contentType;
  const r = await fetch(url, {
    method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) onUnauthorized();
  if (!r.ok) throw await errorOf(r);
  return (await r.json()) as T;
}

function resourcePath(kind: Kind, namespace?: string, name?: string): string {
  const core = CORE.has(kind);
  if (namespace === undefined) {
    if (core) throw new Error('core kinds are listed per namespace');
    return path('forkliftAll', { plural: kind });
  }
  if (name === undefined) return path(core ? 'coreList' : 'forkliftList', { namespace, plural: kind });
  return path(core ? 'coreOne' : 'forkliftOne', { namespace, plural: kind, name });
}

export const api = {
  list: <T extends Resource>(kind: Kind, namespace?: string) =>
    request<{ items: T[]; metadata: { resourceVersion?: string } }>('GET', resourcePath(kind, namespace)),
  get: <T extends Resource>(kind: Kind, namespace: string, name: string) =>
    request<T>('GET', resourcePath(kind, namespace, name)),
  create: <T extends Resource>(kind: Kind, namespace: string, obj: T) =>
    request<T>('POST', resourcePath(kind, namespace), { apiVersion: apiVersionOf(kind), kind: kindName(kind), ...obj }),
  replace: <T extends Resource>(kind: Kind, namespace: string, name: string, obj: T) =>
    request<T>('PUT', resourcePath(kind, namespace, name), obj),
  patch: <T extends Resource>(kind: Kind, namespace: string, name: string, patch: unknown) =>
    request<T>('PATCH', resourcePath(kind, namespace, name), patch, 'application/merge-patch+json'),
  remove: (kind: Kind, namespace: string, name: string) => request<unknown>('DELETE', resourcePath(kind, namespace, name)),
  get2: <T>(route: RouteName, params: Record<string, string>, query = '') =>
    request<T>('GET', path(route, params) + query),
  /** A text/plain answer (a step's log). */
  text: async (route: RouteName, params: Record<string, string>, query: Record<string, string>): Promise<string> => {
    const r = await fetch(path(route, params) + '?' + new URLSearchParams(query), {
      credentials: 'same-origin', headers: { Accept: 'text/plain, application/json' },
    });
    if (r.status === 401) onUnauthorized();
    if (!r.ok) throw await errorOf(r);
    return r.text();
  },
};

/**
 * Reads, changes and replaces an object; starts over when someone else wrote it in between (409), the
 * way the CLI's plan actions do.
 */
export async function update<T extends Resource>(kind: Kind, namespace: string, name: string,
                                                 change: (o: T) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const o = await api.get<T>(kind, namespace, name);
    change(o);
    try {
      return await api.replace(kind, namespace, name, o);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409 || attempt >= 5) throw e;
    }
  }
}

/**
 * Follows a list with the API's watch stream (newline-delimited JSON events over one long response): the
 * initial ADDED events, then every change. Reconnects after the server's timeout or a dropped connection,
 * from the last resourceVersion seen; an ERROR event (410, history expired) restarts from scratch.
 */
export function watch<T extends Resource>(kind: Kind, namespace: string | undefined,
                                          onEvent: (e: WatchEvent<T>) => void, onReset: () => void,
                                          onError: (e: Error | null) => void): () => void {
  const controller = new AbortController();
  let resourceVersion: string | undefined;
  let stopped = false;
  const loop = async () => {
    let backoff = 500;
    while (!stopped) {
      try {
        const q = new URLSearchParams({ watch: 'true', timeoutSeconds: '600' });
        if (resourceVersion) q.set('resourceVersion', resourceVersion);
        else onReset();
        const r = await fetch(resourcePath(kind, namespace) + '?' + q, {
          credentials: 'same-origin', signal: controller.signal, headers: { Accept: 'application/json' },
        });
        if (r.status === 401) onUnauthorized();
        if (!r.ok || !r.body) throw await errorOf(r);
        onError(null);
        backoff = 500;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as WatchEvent<T>;
            if (event.type === 'ERROR') {
              resourceVersion = undefined; // expired: list again from the start
              continue;
            }
            resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
            onEvent(event);
          }
        }
      } catch (e) {
        if (stopped) return;
        onError(e instanceof Error ? e : new Error(String(e)));
        await new Promise((res) => setTimeout(res, backoff));
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  };
  void loop();
  return () => {
    stopped = true;
    controller.abort();
  };
}
