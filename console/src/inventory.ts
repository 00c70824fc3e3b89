import { api } from './api/client';
import type { InventoryItem, InventoryProvider, Provider, TreeNode } from './api/types';

/** The inventory of a Provider resource: its plugin's collections, by type and uid. */
export function inventoryOf(p: Provider | undefined): { type: string; uid: string } | null {
  const type = p?.spec?.type;
  const uid = p?.metadata.uid;
  return type && uid ? { type, uid } : null;
}

export function listInventory(p: Provider, collection: string): Promise<InventoryItem[]> {
  const inv = inventoryOf(p);
  if (!inv) return Promise.resolve([]);
  return api.get2<InventoryItem[] | { items: InventoryItem[] }>('inventoryList', { ...inv, collection }, '?detail=1')
    .then((r) => (Array.isArray(r) ? r : r.items ?? []));
}

export async function inventoryTree(p: Provider, name: string): Promise<TreeNode | null> {
  const inv = inventoryOf(p);
  if (!inv) return null;
  try {
    return await api.get2<TreeNode>('inventoryTree', { ...inv, name });
  } catch {
    return null; // this provider type publishes no such tree
  }
}

export async function allInventoryProviders(): Promise<Map<string, InventoryProvider>> {
  const r = await api.get2<Record<string, InventoryProvider[]>>('inventoryProviders', {});
  const m = new Map<string, InventoryProvider>();
  for (const list of Object.values(r)) for (const p of list ?? []) m.set(p.uid, p);
  return m;
}

/** Counters the inventory reports for a provider (vmCount, hostCount, ...), as "12 VMs" style text. */
export function counters(p: InventoryProvider | undefined): string {
  if (!p) return '—';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(p)) {
    const m = /^(\w+?)Count$/.exec(k);
    if (m && typeof v === 'number') parts.push(`${v} ${m[1]}${v === 1 ? '' : 's'}`);
  }
  return parts.length ? parts.join(', ') : '—';
}

/** Source choices the source provider's inventory offers for a map, by map kind. */
export async function mapSources(p: Provider, kind: 'networkmaps' | 'storagemaps'): Promise<InventoryItem[]> {
  const collections = kind === 'networkmaps' ? ['networks'] : p.spec?.type === 'vsphere' ? ['datastores'] : ['storages', 'datastores', 'storagedomains', 'volumetypes'];
  for (const c of collections) {
    try {
      const items = await listInventory(p, c);
      if (items.length) return items;
    } catch {
      // collection not published by this provider type: try the next name
    }
  }
  return [];
}
