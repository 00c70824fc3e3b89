import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import PluginsPage from './PluginsPage';
import { ApiTestDouble } from '../testing/apiTestDouble';

// The plugins page against a test double of GET /api/v1/plugins.
afterEach(cleanup);

function serve(items: unknown[]) {
  new ApiTestDouble().answer((method, url) => (method === 'GET' && url === '/api/v1/plugins'
    ? { status: 200, body: { pluginApiVersion: '1.4.0', items } } : undefined)).install();
}

describe('plugins page', () => {
  it('shows each plugin\'s state, and a FAILED plugin with its reason', async () => {
    serve([
      { id: 'ova', version: '0.1.0', state: 'STARTED', extensions: [{ point: 'SourceProvider', type: 'ova' }] },
      { id: 'broken', version: '2.0.0', state: 'FAILED', error: 'requires plugin API 9.0; this platform has 1.4.0' },
    ]);
    render(<PluginsPage />);
    const failed = (await screen.findByText('broken')).closest('tr') as HTMLElement;
    expect(within(failed).getByText('FAILED')).toBeTruthy();
    expect(within(failed).getByText('requires plugin API 9.0; this platform has 1.4.0')).toBeTruthy();
    const ok = screen.getByText('ova').closest('tr') as HTMLElement;
    expect(within(ok).getByText('STARTED')).toBeTruthy();
    expect(within(ok).getByText('SourceProvider (ova)')).toBeTruthy();
    expect(screen.getByText('Plugin API 1.4.0')).toBeTruthy();
  });

  it('says what to do when no plugin is installed', async () => {
    serve([]);
    render(<PluginsPage />);
    expect(await screen.findByText('No plugins installed')).toBeTruthy();
  });
});
