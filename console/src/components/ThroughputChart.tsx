import { rate } from '../format';

/**
 * Throughput over the last three minutes as an SVG line: one series, no axes to configure, so a few lines
 * of SVG instead of a charting library (PatternFly's charts bring Victory, several hundred KiB).
 */
export function ThroughputChart({ samples }: { samples: { t: number; v: number }[] }) {
  const w = 300, h = 100;
  const max = Math.max(1, ...samples.map((s) => s.v));
  const pts = samples.map((s, i) => [samples.length < 2 ? 0 : (i / (samples.length - 1)) * w, h - (s.v / max) * (h - 4)]);
  const line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const label = samples.length ? `Throughput over the last ${Math.round(samples.length * 2)} seconds, peak ${rate(max)}` : 'No throughput samples yet';
  return (
    <svg className="hoist-chart" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {pts.length > 1 && <path className="area" d={`${line} L${w},${h} L0,${h} Z`} />}
      {pts.length > 1 && <path className="line" d={line} />}
    </svg>
  );
}
