import { useEffect, useRef, useState } from 'react';
import { api, Kind, watch } from './client';
import type { Resource } from './types';

export interface Watched<T> { items: T[]; loaded: boolean; error: Error | null }

/** The objects of a kind (in one namespace, or all), kept current by the API's watch stream. */
export function useWatch<T extends Resource>(kind: Kind, namespace?: string): Watched<T> {
  const [state, setState] = useState<Watched<T>>({ items: [], loaded: false, error: null });
  useEffect(() => {
    const byKey = new Map<string, T>();
    let pending = false;
    let loaded = false;
    // Set when the component goes away: a flush or a list answer arriving later must not set state any more.
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Events arrive in bursts (a running plan is rewritten every second or so): render once per frame.
    const flush = () => {
      pending = false;
      if (closed) return;
      const items = [...byKey.values()].sort((a, b) => key(a).localeCompare(key(b)));
      setState((s) => ({ ...s, items, loaded }));
    };
    const schedule = () => {
      if (!pending) {
        pending = true;
        timer = setTimeout(flush, 50);
      }
    };
    const stop = watch<T>(kind, namespace, (e) => {
      if (e.type === 'DELETED') byKey.delete(key(e.object));
      else byKey.set(key(e.object), e.object);
      schedule();
    }, () => {
      byKey.clear();
      // The stream's initial ADDED events carry no end marker: a plain list tells when the first load is done.
      api.list<T>(kind, namespace).then((l) => {
        for (const o of l.items) if (!byKey.has(key(o))) byKey.set(key(o), o);
        loaded = true;
        schedule();
      }, (e) => { if (!closed) setState((s) => ({ ...s, error: e })); });
    }, (error) => { if (!closed) setState((s) => (s.error === error ? s : { ...s, error })); });
    return () => {
      closed = true;
      clearTimeout(timer);
      stop();
    };
  }, [kind, namespace]);
  return state;
}

export function key(o: Resource): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** A value that is fetched, and fetched again every {@code everyMs} while the page shows it. */
export function usePoll<T>(load: (() => Promise<T>) | null, everyMs: number, deps: unknown[]):
  { data: T | undefined; error: Error | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!loader.current) {
        setLoading(false);
        return;
      }
      try {
        const d = await loader.current();
        if (alive) {
          setData(d);
          setError(null);
        }
      } catch (e) {
        if (alive) setError(e as Error);
      } finally {
        if (alive) {
          setLoading(false);
          if (everyMs > 0) timer = setTimeout(run, everyMs);
        }
      }
    };
    setLoading(true);
    void run();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, everyMs]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}
