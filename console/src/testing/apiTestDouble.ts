// A test double of the platform's API for component tests: fetch is replaced by an in-memory store of
// resources that answers lists, watches (newline-delimited JSON events on an open stream), creates, replaces
// and deletes the way the server does, records every call, and lets a test push a change to the open watches
// (a live update) or answer one route itself.
import type { Resource } from '../api/types';

export interface Call { method: string; url: string; body: unknown }
type Answer = { status: number; body: unknown } | undefined;

const FORKLIFT = '/apis/forklift.konveyor.io/v1beta1';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function status(code: number, message: string, reason = ''): { status: number; body: unknown } {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message } };
}

interface OpenWatch { plural: string; namespace?: string; push: (line: string) => void }

export class ApiTestDouble {
  readonly calls: Call[] = [];
  private readonly store = new Map<string, Resource[]>();
  private readonly watches: OpenWatch[] = [];
  private readonly routes: ((method: string, url: string, body: unknown) => Answer)[] = [];
  private version = 100;

  /** Puts objects of a kind (plural, e.g. 'plans') in the store, as if created before the page opened. */
  seed(plural: string, ...objects: Resource[]): this {
    const list = this.store.get(plural) ?? [];
    for (const o of objects) list.push(this.stamp(o));
    this.store.set(plural, list);
    return this;
  }

  /** A route the test answers itself (first match wins; undefined falls through to the store). */
  answer(f: (method: string, url: string, body: unknown) => Answer): this {
    this.routes.push(f);
    return this;
  }

  objects<T extends Resource>(plural: string): T[] {
    return (this.store.get(plural) ?? []) as T[];
  }

  /** What the platform would do when it changes an object: store it and tell every open watch of its kind. */
  change(plural: string, object: Resource, type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED') {
    const stamped = this.stamp(object);
    const list = (this.store.get(plural) ?? []).filter((o) => !same(o, stamped));
    if (type !== 'DELETED') list.push(stamped);
    this.store.set(plural, list);
    const line = JSON.stringify({ type, object: stamped }) + '\n';
    for (const w of this.watches) {
      if (w.plural === plural && (w.namespace === undefined || w.namespace === stamped.metadata.namespace)) w.push(line);
    }
  }

  /** How many watches of a kind are open (a page follows its data once its watch is open). */
  openWatches(plural: string): number {
    return this.watches.filter((w) => w.plural === plural).length;
  }

  install(): this {
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const full = String(input);
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      this.calls.push({ method, url: full, body });
      for (const r of this.routes) {
        const a = r(method, full, body);
        if (a) return json(a.status, a.body);
      }
      const [url, query = ''] = full.split('?');
      const params = new URLSearchParams(query);
      const m = new RegExp(`^(?:${FORKLIFT}|/api/v1)(?:/namespaces/([^/]+))?/([a-z]+)(?:/([^/]+))?$`).exec(url);
      if (!m) return json(404, status(404, `not in the test double: ${method} ${full}`).body);
      const [, ns, plural, name] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
      if (params.get('watch') === 'true') return this.openWatch(plural, ns, init?.signal ?? undefined);
      const a = this.resource(method, plural, ns, name, body as Resource | undefined);
      return json(a.status, a.body);
    }) as typeof fetch;
    return this;
  }

  private resource(method: string, plural: string, ns: string | undefined, name: string | undefined, body?: Resource):
    { status: number; body: unknown } {
    const list = this.store.get(plural) ?? [];
    const found = list.find((o) => o.metadata.name === name && o.metadata.namespace === ns);
    if (method === 'GET' && name === undefined) {
      return { status: 200, body: { items: list.filter((o) => ns === undefined || o.metadata.namespace === ns), metadata: { resourceVersion: String(this.version) } } };
    }
    if (method === 'GET') return found ? { status: 200, body: found } : status(404, `${plural} "${name}" not found`, 'NotFound');
    if (method === 'POST') {
      if (list.some((o) => o.metadata.name === body!.metadata.name && o.metadata.namespace === ns)) {
        return status(409, `${plural} "${body!.metadata.name}" already exists`, 'AlreadyExists');
      }
      this.change(plural, { ...body!, metadata: { ...body!.metadata, namespace: ns, uid: `uid-${body!.metadata.name}` } }, 'ADDED');
      return { status: 201, body: this.find(plural, ns!, body!.metadata.name) };
    }
    if (!found) return status(404, `${plural} "${name}" not found`, 'NotFound');
    if (method === 'PUT') {
      if (body!.metadata.resourceVersion !== found.metadata.resourceVersion) return status(409, 'the object has been modified', 'Conflict');
      this.change(plural, body!);
      return { status: 200, body: this.find(plural, ns!, name!) };
    }
    if (method === 'DELETE') {
      this.change(plural, found, 'DELETED');
      return { status: 200, body: { kind: 'Status', status: 'Success' } };
    }
    return status(405, `${method} is not in the test double`);
  }

  private find(plural: string, ns: string, name: string): Resource | undefined {
    return (this.store.get(plural) ?? []).find((o) => o.metadata.name === name && o.metadata.namespace === ns);
  }

  private openWatch(plural: string, namespace: string | undefined, signal?: AbortSignal): Response {
    const encoder = new TextEncoder();
    let watchEntry: OpenWatch;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        watchEntry = { plural, namespace, push: (line) => controller.enqueue(encoder.encode(line)) };
        this.watches.push(watchEntry);
        signal?.addEventListener('abort', () => {
          this.watches.splice(this.watches.indexOf(watchEntry), 1);
          try {
            controller.close();
          } catch {
            // already closed
          }
        });
      },
    });
    // A plain object: the console reads only ok, status and body from a watch's answer.
    return { ok: true, status: 200, statusText: 'OK', body: stream } as unknown as Response;
  }

  private stamp(o: Resource): Resource {
    const copy: Resource = JSON.parse(JSON.stringify(o));
    copy.metadata.resourceVersion = String(++this.version);
    copy.metadata.uid ??= `uid-${copy.metadata.name}`;
    return copy;
  }
}

function same(a: Resource, b: Resource): boolean {
  return a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;
}
