import { describe, expect, it } from 'vitest';
import { counters } from './inventory';

// The providers list's Inventory column: the counts the inventory service reports for a provider.
describe('inventory counts on the providers list', () => {
  it('names each count the inventory reports, singular for one', () => {
    expect(counters({ uid: 'u1', vmCount: 2, networkCount: 1, datastoreCount: 3 } as never)).toBe('2 vms, 1 network, 3 datastores');
  });
  it('shows a dash when the inventory has nothing to say yet', () => {
    expect(counters(undefined)).toBe('—');
    expect(counters({ uid: 'u1', name: 'vc' } as never)).toBe('—');
  });
});
