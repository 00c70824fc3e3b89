import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { OverviewPage } from './OverviewPage';
import { ApiTestDouble } from '../testing/apiTestDouble';
import type { Plan, Provider } from '../api/types';

// The overview against a test double of the API: empty at first, then following the watch streams as a plan
// starts and providers report their health.
let double: ApiTestDouble;

beforeEach(() => {
  double = new ApiTestDouble().install();
  window.history.replaceState(null, '', '/console/');
});

afterEach(cleanup);

const running: Plan = {
  metadata: { name: 'wave-1', namespace: 'site' },
  spec: { vms: [{ id: 'vm-1' }] },
  status: {
    conditions: [{ type: 'Executing', status: 'True' }],
    migration: { vms: [{ id: 'vm-1', name: 'web-01', started: '2026-03-01T10:00:00Z', pipeline: [
      { name: 'DiskTransfer', phase: 'Running', progress: { completed: 1024, total: 2048 }, annotations: { 'hoist.io/rate-mibps': '100' } }] }] },
  },
};

function provider(name: string, ready: boolean): Provider {
  return { metadata: { name, namespace: 'site' }, spec: { type: 'vsphere' }, status: { conditions: ready
    ? [{ type: 'Ready', status: 'True', category: 'Required' }]
    : [{ type: 'ConnectionTestFailed', status: 'True', category: 'Critical', message: 'x509: certificate signed by unknown authority' }] } };
}

describe('overview', () => {
  it('shows empty states, then follows plans and providers live', async () => {
    render(<OverviewPage />);
    expect(await screen.findByText(/No plans yet/)).toBeTruthy();
    expect(screen.getByText(/No providers/)).toBeTruthy();
    await waitFor(() => expect(double.openWatches('plans') + double.openWatches('providers')).toBe(2));

    double.change('plans', running, 'ADDED');
    double.change('providers', provider('vc-east', true), 'ADDED');
    double.change('providers', provider('vc-west', false), 'ADDED');
    await waitFor(() => expect(screen.getByTestId('running-count').textContent).toBe('1'));
    expect(screen.getByText('wave-1')).toBeTruthy();
    expect(screen.getByTestId('data-moved').textContent).toBe('977 MiB'); // 1,024 MB as the engine counts, in binary units
    expect(screen.getByText('100 MiB/s')).toBeTruthy();
    await screen.findByText('1 of 2 ready');
    expect(screen.getByText(/x509: certificate signed by unknown authority/)).toBeTruthy();
    // the chart samples the throughput every 2 s
    await waitFor(() => expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/peak 100 MiB\/s$/));
  });
});
