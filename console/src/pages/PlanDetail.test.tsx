import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import PlanDetail from './PlanDetail';
import { ApiTestDouble } from '../testing/apiTestDouble';
import type { Migration, Plan, VmStatus } from '../api/types';

// The plan page against a test double of the API: each VM's pipeline (rate, ETA, both checksums, errors), live
// updates from the watch stream, and what each action sends.
const NS = 'site';
const SUM_A = 'sha256-4m:' + 'a'.repeat(64);
const SUM_B = 'sha256-4m:' + 'b'.repeat(64);

function vms(): VmStatus[] {
  return [
    {
      id: 'vm-1', name: 'web-01', phase: 'CopyDisks', started: '2026-03-01T10:00:00Z',
      pipeline: [
        { name: 'Initialize', phase: 'Completed', progress: { completed: 1, total: 1 } },
        {
          name: 'DiskTransfer', phase: 'Running', progress: { completed: 512, total: 2048 },
          annotations: {
            'hoist.io/rate-mibps': '123.5', 'hoist.io/eta-seconds': '95',
            'hoist.io/checksum.disk-0.source': SUM_A, 'hoist.io/checksum.disk-0.target': SUM_A,
            'hoist.io/checksum.disk-1.source': SUM_A, 'hoist.io/checksum.disk-1.target': SUM_B,
          },
        },
      ],
    },
    {
      id: 'vm-2', name: 'db-02', phase: 'CopyDisks', started: '2026-03-01T10:00:00Z',
      pipeline: [{ name: 'DiskTransfer', phase: 'Running', progress: { completed: 0, total: 100 },
        error: { phase: 'DiskTransfer', reasons: ['nbdcopy: write failed: No space left on device'] } }],
    },
  ];
}

function plan(state: 'Executing' | 'Failed', vmList = vms()): Plan {
  return {
    apiVersion: 'forklift.konveyor.io/v1beta1', kind: 'Plan', metadata: { name: 'p1', namespace: NS },
    spec: {
      provider: { source: { name: 'vc', namespace: NS }, destination: { name: 'host', namespace: NS } },
      map: { network: { name: 'net', namespace: NS }, storage: { name: 'stor', namespace: NS } },
      vms: [{ id: 'vm-1', name: 'web-01' }, { id: 'vm-2', name: 'db-02' }],
    },
    status: {
      conditions: [{ type: 'Ready', status: 'True', category: 'Required' }, { type: state, status: 'True' }],
      migration: { started: '2026-03-01T10:00:00Z', vms: vmList },
    },
  };
}

function migration(done: boolean): Migration {
  return {
    apiVersion: 'forklift.konveyor.io/v1beta1', kind: 'Migration',
    metadata: { name: 'p1-run', namespace: NS, creationTimestamp: '2026-03-01T10:00:00Z' },
    spec: { plan: { name: 'p1', namespace: NS } },
    status: done ? { completed: '2026-03-01T11:00:00Z', conditions: [{ type: 'Failed', status: 'True' }] } : {},
  };
}

let double: ApiTestDouble;

/** Waits until the plan's state label reads exactly `state`. */
async function stateShows(state: string) {
  await waitFor(() => expect(screen.getByTestId('plan-state').textContent).toBe(state));
}

beforeEach(() => {
  double = new ApiTestDouble().install();
  window.history.replaceState(null, '', `/console/plans/${NS}/p1`);
});

afterEach(cleanup);

async function openRunning() {
  double.seed('plans', plan('Executing')).seed('migrations', migration(false));
  render(<PlanDetail namespace={NS} name="p1" />);
  await stateShows('Running');
}

describe('plan page', () => {
  it('shows each VM\'s pipeline: progress, rate, ETA, both checksums of each disk, a step\'s error', async () => {
    await openRunning();
    const transfer = await screen.findByTestId('pipeline-web-01').then((p) => p.querySelector('[data-step="DiskTransfer"]') as HTMLElement);
    expect(within(transfer).getByText(/^124 MiB\/s$/)).toBeTruthy(); // 123.5 MiB/s, binary units
    expect(within(transfer).getByText('1 min 35 s')).toBeTruthy();
    expect(within(transfer).getByText('488 MiB / 1.91 GiB')).toBeTruthy(); // the engine's MB shown in binary units
    const sums = within(screen.getByTestId('pipeline-web-01')).getAllByTestId('checksums');
    expect(sums.map((r) => [within(r).getByTestId('source-checksum').textContent, within(r).getByTestId('target-checksum').textContent,
      r.textContent?.includes('MISMATCH') ? 'MISMATCH' : within(r).queryByText('match') ? 'match' : '?'])).toEqual([
      [SUM_A, SUM_A, 'match'], [SUM_A, SUM_B, 'MISMATCH']]);
    const db = screen.getByTestId('pipeline-db-02');
    expect(within(db).getByRole('alert').textContent).toBe('nbdcopy: write failed: No space left on device');
  });

  it('follows the watch stream: a VM that finishes shows Succeeded with no reload', async () => {
    await openRunning();
    await waitFor(() => expect(double.openWatches('plans')).toBe(1));
    expect(document.querySelector('[data-vm="web-01"] [data-vm-state]')?.getAttribute('data-vm-state')).toBe('Running');
    const next = vms();
    next[0] = { ...next[0], phase: 'Completed', completed: '2026-03-01T10:30:00Z', conditions: [{ type: 'Succeeded', status: 'True' }],
      pipeline: next[0].pipeline!.map((s) => ({ ...s, phase: 'Completed' })) };
    double.change('plans', plan('Executing', next));
    await waitFor(() => expect(document.querySelector('[data-vm="web-01"] [data-vm-state]')?.getAttribute('data-vm-state')).toBe('Succeeded'));
  });

  it('cancels the selected VMs in the running migration', async () => {
    const user = userEvent.setup({ delay: null });
    await openRunning();
    await user.click(await screen.findByRole('checkbox', { name: 'Select db-02' }));
    await user.click(screen.getByRole('button', { name: 'Cancel selected VMs (1)' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel VMs' }));
    await waitFor(() => expect(double.objects<Migration>('migrations')[0].spec?.cancel).toEqual([{ id: 'vm-2' }]));
    expect(double.calls.filter((c) => c.method === 'PUT').map((c) => c.url)).toEqual(
      [`/apis/forklift.konveyor.io/v1beta1/namespaces/${NS}/migrations/p1-run`]);
  });

  it('restarts a failed plan with a new Migration, after a confirmation', async () => {
    const user = userEvent.setup({ delay: null });
    double.seed('plans', plan('Failed')).seed('migrations', migration(true));
    render(<PlanDetail namespace={NS} name="p1" />);
    await stateShows('Failed');
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    expect(double.calls.filter((c) => c.method === 'POST')).toEqual([]); // nothing before the confirmation
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(double.objects<Migration>('migrations')).toHaveLength(2));
    const started = double.objects<Migration>('migrations').find((m) => m.metadata.name !== 'p1-run')!;
    expect(started.metadata.name).toMatch(/^p1-[a-z0-9]{5}$/);
    expect(started.spec).toEqual({ plan: { name: 'p1', namespace: NS } });
  });

  it('archives (the page follows), duplicates without status or server fields, and deletes', async () => {
    const user = userEvent.setup({ delay: null });
    double.seed('plans', plan('Failed')).seed('migrations', migration(true));
    render(<PlanDetail namespace={NS} name="p1" />);
    await stateShows('Failed');
    await waitFor(() => expect(double.openWatches('plans')).toBe(1));

    await user.click(screen.getByRole('button', { name: 'Archive' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Archive' }));
    await stateShows('Archived');
    expect(double.objects<Plan>('plans')[0].spec?.archived).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Duplicate' }));
    const name = await screen.findByRole('textbox', { name: 'New plan name' });
    await user.clear(name);
    await user.type(name, 'p1-again');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Duplicate' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/console/plans/${NS}/p1-again`));
    const posted = double.calls.find((c) => c.method === 'POST')!.body as Plan;
    expect(posted.metadata).toEqual({ name: 'p1-again', namespace: NS });
    expect(posted.status).toBeUndefined();
    expect(posted.spec?.archived).toBeUndefined();
    expect(posted.spec?.vms).toEqual(plan('Failed').spec?.vms);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(window.location.pathname).toBe('/console/plans'));
    expect(double.objects<Plan>('plans').map((p) => p.metadata.name)).toEqual(['p1-again']);
  });
});
