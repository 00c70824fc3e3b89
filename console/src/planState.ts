import type { Condition, Plan, Step, VmStatus } from './api/types';

export type PlanState = 'Archived' | 'Succeeded' | 'Failed' | 'Canceled' | 'Running' | 'Ready' | 'Not ready' | 'Pending';

const has = (c: Condition[] | undefined, t: string) => (c ?? []).some((x) => x.type === t && x.status === 'True');

/** One word for a plan, in the order a user asks about it: archived, finished how, running, ready. */
export function planState(p: Plan): PlanState {
  const c = p.status?.conditions;
  if (p.spec?.archived || has(c, 'Archived')) return 'Archived';
  if (has(c, 'Executing') || has(c, 'Running')) return 'Running';
  if (has(c, 'Succeeded')) return 'Succeeded';
  if (has(c, 'Failed')) return 'Failed';
  if (has(c, 'Canceled')) return 'Canceled';
  if (has(c, 'Ready')) return 'Ready';
  if ((c ?? []).some((x) => x.status === 'True' && x.category === 'Critical')) return 'Not ready';
  return 'Pending';
}

export function stateColor(s: PlanState): 'green' | 'red' | 'orange' | 'blue' | 'grey' | 'purple' {
  switch (s) {
    case 'Succeeded': case 'Ready': return 'green';
    case 'Failed': case 'Not ready': return 'red';
    case 'Canceled': return 'orange';
    case 'Running': return 'blue';
    case 'Archived': return 'purple';
    default: return 'grey';
  }
}

export function isTransfer(s: Step): boolean {
  return /disk|transfer|copy/i.test(s.name);
}

/** Bytes copied and to copy (MB as the engine reports) across a plan's VMs. */
export function planProgress(p: Plan): { completed: number; total: number; vmsDone: number; vms: number } {
  let completed = 0, total = 0, vmsDone = 0;
  const vms = p.status?.migration?.vms ?? [];
  for (const vm of vms) {
    if (vm.completed) vmsDone++;
    for (const s of vm.pipeline ?? []) {
      if (isTransfer(s)) {
        completed += s.progress?.completed ?? 0;
        total += s.progress?.total ?? 0;
      }
    }
  }
  return { completed, total, vmsDone, vms: vms.length };
}

/** Current MiB/s summed over running transfer steps. */
export function planRate(p: Plan): number {
  let r = 0;
  for (const vm of p.status?.migration?.vms ?? []) r += vmRate(vm);
  return r;
}

export function vmRate(vm: VmStatus): number {
  let r = 0;
  for (const s of vm.pipeline ?? []) {
    if (s.phase === 'Running') r += Number(s.annotations?.['hoist.io/rate-mibps'] ?? 0) || 0;
  }
  return r;
}

export function vmState(vm: VmStatus): string {
  const t = (vm.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
  for (const s of ['Succeeded', 'Failed', 'Canceled']) if (t.includes(s)) return s;
  if (vm.completed) return 'Completed';
  if (vm.started) return 'Running';
  return 'Pending';
}
