// Sizes in binary units, dates and numbers in the browser's locale.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${UNITS[u]}`;
}

/** The engine reports step progress in MB (10^6 bytes) as MTV does; shown in binary units. */
export function mb(n: number | undefined): string {
  return n === undefined ? '—' : bytes(n * 1_000_000);
}

export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function duration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || seconds < 0 || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${r} s` : `${r} s`;
}

export function rate(mibps: string | number | undefined): string {
  if (mibps === undefined || mibps === '') return '—';
  const v = typeof mibps === 'number' ? mibps : Number(mibps);
  return Number.isFinite(v) ? `${bytes(v * 1024 * 1024)}/s` : '—';
}
