import { MouseEvent, ReactNode, useEffect, useState } from 'react';

// The console's pages are paths under /console/ (the server answers index.html for each): a few lines of
// history API instead of a router library, since there are no nested layouts or loaders to manage.
const BASE = '/console';
const listeners = new Set<() => void>();

export function currentPath(): string {
  const p = window.location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length) || '/' : p;
}

export function navigate(to: string, replace = false) {
  const url = BASE + to;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

export function useRoute(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    window.addEventListener('popstate', l);
    return () => {
      listeners.delete(l);
      window.removeEventListener('popstate', l);
    };
  }, []);
  return { path: currentPath(), query: new URLSearchParams(window.location.search) };
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-label'?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={onClick} {...rest}>{children}</a>;
}
