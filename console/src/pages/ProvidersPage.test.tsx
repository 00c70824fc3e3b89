import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import ProvidersPage from './ProvidersPage';

// The provider edit form against a fake of the API's provider and Secret routes (fetch replaced): what it
// sends, what it keeps, and where a 422's field message lands.
const BASE = '/apis/forklift.konveyor.io/v1beta1/namespaces/site/providers/vc';
const SECRET = '/api/v1/namespaces/site/secrets/vc-secret';

interface Call { method: string; url: string; body: unknown }

function provider(resourceVersion: string) {
  return {
    apiVersion: 'forklift.konveyor.io/v1beta1', kind: 'Provider',
    metadata: { name: 'vc', namespace: 'site', uid: 'u1', resourceVersion },
    spec: { type: 'vsphere', url: 'https://vc.example.com/sdk', secret: { name: 'vc-secret', namespace: 'site' }, settings: { sdkEndpoint: 'vcenter' } },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

let calls: Call[];
/** What the fake answers a PUT of the provider, in turn (then 200). */
let putAnswers: { status: number; body: unknown }[];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  putAnswers = [];
  let version = 5;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (url === BASE && method === 'GET') return json(200, provider(String(version)));
    if (url === BASE && method === 'PUT') {
      const a = putAnswers.shift();
      if (a) {
        version++; // someone else wrote it meanwhile
        return json(a.status, a.body);
      }
      return json(200, body);
    }
    // values are write-only: the API shows which keys exist, never their values
    if (url === SECRET && method === 'GET') {
      return json(200, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vc-secret', namespace: 'site' },
        data: { user: '', password: '', cacert: '', insecureSkipVerify: '' } });
    }
    if (url === SECRET && method === 'PATCH') return json(200, { metadata: { name: 'vc-secret' } });
    return json(404, { kind: 'Status', status: 'Failure', message: `not faked: ${method} ${url}`, code: 404 });
  }) as typeof fetch;
  window.history.replaceState(null, '', '/console/providers/site/vc/edit');
});

afterEach(cleanup);

async function openForm() {
  render(<ProvidersPage parts={['site', 'vc', 'edit']} />);
  await screen.findByRole('heading', { level: 1, name: 'Edit provider vc' });
  await waitFor(() => expect(screen.getByLabelText('Password').getAttribute('placeholder')).toBe('stored — leave empty to keep'));
}

describe('provider edit form', () => {
  it('shows stored Secret keys without values and sends only what was typed', async () => {
    const user = userEvent.setup({ delay: null });
    await openForm();
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('User') as HTMLInputElement).value).toBe('');
    expect((screen.getByRole('textbox', { name: 'URL' }) as HTMLInputElement).value).toBe('https://vc.example.com/sdk');
    expect((screen.getByRole('textbox', { name: 'Settings' }) as HTMLInputElement).value).toBe('sdkEndpoint=vcenter');
    const insecure = screen.getByRole('checkbox', { name: /Skip certificate verification/ }) as HTMLInputElement;
    expect(insecure.checked).toBe(true);

    await user.type(screen.getByLabelText('Password'), 'new-password');
    await user.click(insecure); // verification back on: the key is removed, not left behind
    const url = screen.getByRole('textbox', { name: 'URL' });
    await user.clear(url);
    await user.type(url, 'https://vc2.example.com/sdk');
    putAnswers.push({ status: 409, body: { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: 'the object has been modified' } });
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(window.location.pathname).toBe('/console/providers/site/vc'));
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.url).toBe(SECRET);
    expect(patch?.body).toEqual({ data: { password: btoa('new-password'), insecureSkipVerify: null } });
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(2); // a conflict: read again and written again
    const sent = puts[1].body as ReturnType<typeof provider>;
    expect(sent.metadata.resourceVersion).toBe('6');
    expect(sent.spec).toEqual({ type: 'vsphere', url: 'https://vc2.example.com/sdk', secret: { name: 'vc-secret', namespace: 'site' },
      settings: { sdkEndpoint: 'vcenter' } });
  });

  it('leaves the Secret alone when no value was typed', async () => {
    const user = userEvent.setup({ delay: null });
    await openForm();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('shows a 422\'s message next to the field it names, and saves no half of the change', async () => {
    const user = userEvent.setup({ delay: null });
    await openForm();
    await user.type(screen.getByLabelText('Password'), 'new-password');
    putAnswers.push({ status: 422, body: { kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422,
      message: 'Provider "vc" is invalid', details: { causes: [{ field: 'spec.url', message: 'must be an https:// URL with a host' }] } } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const url = screen.getByRole('textbox', { name: 'URL' });
    const group = url.closest('.pf-v6-c-form__group') as HTMLElement;
    expect(await within(group).findByText('must be an https:// URL with a host')).toBeTruthy();
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(window.location.pathname).toBe('/console/providers/site/vc/edit'); // the form stays, with what was typed
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('new-password');
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([]); // the refused provider's new password is not stored
  });
});
