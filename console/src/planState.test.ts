import { describe, expect, it } from 'vitest';
import type { Plan } from './api/types';
import { planProgress, planRate, planState } from './planState';

const plan = (conditions: [string, string?][], extra: Partial<Plan> = {}): Plan => ({
  metadata: { name: 'p' },
  status: { conditions: conditions.map(([type, category]) => ({ type, status: 'True', category })) },
  ...extra,
});

describe('plan state', () => {
  it('orders archived, running, finished, ready', () => {
    expect(planState(plan([['Ready']]))).toBe('Ready');
    expect(planState(plan([['Ready'], ['Executing']]))).toBe('Running');
    expect(planState(plan([['Succeeded']]))).toBe('Succeeded');
    expect(planState(plan([['Succeeded']], { spec: { archived: true } }))).toBe('Archived');
    expect(planState(plan([['VMCriticalConcerns', 'Critical']]))).toBe('Not ready');
    expect(planState(plan([]))).toBe('Pending');
  });
  it('sums transfer progress and the running steps\' rate', () => {
    const p: Plan = {
      metadata: { name: 'p' },
      status: { migration: { vms: [
        { completed: '2024-01-01T00:00:00Z', pipeline: [{ name: 'DiskTransfer', phase: 'Completed', progress: { completed: 100, total: 100 } }] },
        { pipeline: [{ name: 'Initialize', phase: 'Completed' },
          { name: 'DiskTransfer', phase: 'Running', progress: { completed: 20, total: 80 }, annotations: { 'hoist.io/rate-mibps': '12.5' } }] },
      ] } },
    };
    expect(planProgress(p)).toEqual({ completed: 120, total: 180, vmsDone: 1, vms: 2 });
    expect(planRate(p)).toBe(12.5);
  });
});
