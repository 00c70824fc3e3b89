import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import PlanWizard from './PlanWizard';
import { ApiTestDouble } from '../testing/apiTestDouble';
import type { InventoryItem, Plan, Resource } from '../api/types';

// The create-plan wizard against a test double of the API: every step, the Critical-concern warning, and the
// Plan it sends (warm, target power state, preserve static IPs, hooks).
const NS = 'site';
const ref = (name: string) => ({ name, namespace: NS });

const INVENTORY: InventoryItem[] = [
  { id: 'vm-1', name: 'web-01', powerState: 'poweredOn', disks: [{ capacity: 10 * 1024 ** 3 }], concerns: [] },
  { id: 'vm-2', name: 'crit-01', powerState: 'poweredOff', disks: [{ capacity: 1024 ** 3 }],
    concerns: [{ category: 'Critical', label: 'Shared disk detected', assessment: 'Shared disks cannot be migrated.' }] },
];

function resource(kind: string, name: string, spec: object): Resource {
  return { apiVersion: 'forklift.konveyor.io/v1beta1', kind, metadata: { name, namespace: NS }, spec };
}

let double: ApiTestDouble;

beforeEach(() => {
  const maps = { provider: { source: ref('vc'), destination: ref('host') }, map: [] };
  double = new ApiTestDouble()
    .seed('providers', resource('Provider', 'vc', { type: 'vsphere', url: 'https://vc/sdk' }), resource('Provider', 'host', { type: 'openshift' }))
    .seed('networkmaps', resource('NetworkMap', 'net', maps))
    .seed('storagemaps', resource('StorageMap', 'stor', maps))
    .seed('hooks', resource('Hook', 'before', { image: 'quay.io/kubev2v/hook-runner' }), resource('Hook', 'after', { image: 'quay.io/kubev2v/hook-runner' }))
    .answer((method, url) => (method === 'GET' && url.startsWith('/providers/vsphere/uid-vc/vms') ? { status: 200, body: INVENTORY } : undefined))
    .install();
  window.history.replaceState(null, '', '/console/plans/~new');
});

afterEach(cleanup);

describe('create-plan wizard', () => {
  it('walks every step, warns before a Critical VM is added, and creates the plan with every option', async () => {
    const user = userEvent.setup({ delay: null });
    render(<PlanWizard />);
    await user.type(await screen.findByRole('textbox', { name: 'Plan name' }), 'move-web');
    const ns = screen.getByRole('textbox', { name: 'Namespace' });
    await user.clear(ns);
    await user.type(ns, NS);
    await user.selectOptions(screen.getByLabelText(/Source provider/), 'vc');
    await user.selectOptions(screen.getByLabelText(/Destination provider/), 'host');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    // VMs: power state, disks in binary units, concern badges
    const row = (await screen.findByRole('checkbox', { name: 'Select web-01' })).closest('tr') as HTMLElement;
    expect(within(row).getByText('poweredOn')).toBeTruthy();
    expect(within(row).getByText('1 (10.0 GiB)')).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: 'Select web-01' }));
    const critical = screen.getByRole('checkbox', { name: 'Select crit-01' });
    await user.click(critical);
    const warning = await screen.findByRole('dialog');
    expect(within(warning).getByText('crit-01 has critical concerns')).toBeTruthy();
    expect(within(warning).getByText(/Shared disks cannot be migrated/)).toBeTruthy();
    await user.click(within(warning).getByRole('button', { name: 'Do not select' }));
    expect((critical as HTMLInputElement).checked).toBe(false);
    await user.click(critical);
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Select anyway' }));
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Select crit-01' }) as HTMLInputElement).checked).toBe(true));
    expect(screen.getByText('2 selected')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await user.selectOptions(await screen.findByLabelText(/Network map/), 'net');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.selectOptions(await screen.findByLabelText(/Storage map/), 'stor');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await user.type(await screen.findByRole('textbox', { name: 'Target namespace' }), 'prod');
    await user.click(screen.getByRole('radio', { name: /Warm/ }));
    await user.selectOptions(screen.getByLabelText('Target power state'), 'on');
    const staticIps = screen.getByRole('checkbox', { name: 'Preserve static IPs' }) as HTMLInputElement;
    expect(staticIps.checked).toBe(true); // MTV's default
    await user.click(staticIps);
    await user.selectOptions(screen.getByLabelText('Pre-migration hook'), 'before');
    await user.selectOptions(screen.getByLabelText('Post-migration hook'), 'after');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    const review = await screen.findByLabelText('Plan review');
    for (const text of ['site/move-web', 'web-01, crit-01', 'prod', 'Warm', 'on', 'No', 'pre: before, post: after']) {
      expect(within(review).getByText(text)).toBeTruthy();
    }
    expect(double.calls.filter((c) => c.method === 'POST')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Create plan' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/console/plans/${NS}/move-web`));
    const sent = double.objects<Plan>('plans')[0];
    const hooks = [{ hook: ref('before'), step: 'PreHook' }, { hook: ref('after'), step: 'PostHook' }];
    expect(sent.spec).toEqual({
      warm: true, targetNamespace: 'prod', preserveStaticIPs: false, targetPowerState: 'on',
      provider: { source: ref('vc'), destination: ref('host') },
      map: { network: ref('net'), storage: ref('stor') },
      vms: [{ id: 'vm-1', name: 'web-01', hooks }, { id: 'vm-2', name: 'crit-01', hooks }],
    });
  });

  it('shows a 422\'s field message on the review step and creates nothing', async () => {
    const user = userEvent.setup({ delay: null });
    double.answer((method, url) => (method === 'POST' && url.endsWith('/plans') ? { status: 422, body: {
      kind: 'Status', status: 'Failure', code: 422, reason: 'Invalid', message: 'Plan "Bad" is invalid',
      details: { causes: [{ field: 'metadata.name', message: 'must be a lower-case DNS-1123 label' }] } } } : undefined));
    render(<PlanWizard />);
    await user.type(await screen.findByRole('textbox', { name: 'Plan name' }), 'Bad');
    const ns = screen.getByRole('textbox', { name: 'Namespace' });
    await user.clear(ns);
    await user.type(ns, NS);
    await user.selectOptions(screen.getByLabelText(/Source provider/), 'vc');
    await user.selectOptions(screen.getByLabelText(/Destination provider/), 'host');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Select web-01' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.selectOptions(await screen.findByLabelText(/Network map/), 'net');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.selectOptions(await screen.findByLabelText(/Storage map/), 'stor');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('button', { name: 'Create plan' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('metadata.name')).toBeTruthy();
    expect(within(alert).getByText(/must be a lower-case DNS-1123 label/)).toBeTruthy();
    expect(window.location.pathname).toBe('/console/plans/~new');
    expect(double.objects('plans')).toEqual([]);
    // back on the first step, the message sits at the name field
    await user.click(screen.getByRole('button', { name: 'Source provider' }));
    const name = await screen.findByRole('textbox', { name: 'Plan name' });
    const group = name.closest('.pf-v6-c-form__group') as HTMLElement;
    expect(within(group).getByText('must be a lower-case DNS-1123 label')).toBeTruthy();
  });
});
