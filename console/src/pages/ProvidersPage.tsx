import { FormEvent, useMemo, useState } from 'react';
import {
  ActionGroup, Alert, Breadcrumb, BreadcrumbItem, Button, Checkbox, DescriptionList, DescriptionListDescription,
  DescriptionListGroup, DescriptionListTerm, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, Grid, GridItem,
  HelperText, HelperTextItem, Label, PageSection, SearchInput, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem,
  TreeView, TreeViewDataItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, ApiError, update } from '../api/client';
import { usePoll, useWatch } from '../api/hooks';
import type { InventoryItem, Provider, Secret, TreeNode } from '../api/types';
import { ConcernBadges, ConcernList, Conditions, ConfirmButton, Empty, ErrorAlert, fieldError, isTrue, Loading } from '../components/common';
import { bytes } from '../format';
import { allInventoryProviders, counters, inventoryTree, listInventory } from '../inventory';
import { Link, navigate } from '../router';

export default function ProvidersPage({ parts }: { parts: string[] }) {
  if (parts[0] === '~new') return <ProviderForm />;
  if (parts.length >= 3 && parts[2] === 'edit') return <ProviderForm namespace={parts[0]} name={parts[1]} />;
  if (parts.length >= 2) return <ProviderDetail namespace={parts[0]} name={parts[1]} />;
  return <ProviderList />;
}

function ProviderList() {
  const providers = useWatch<Provider>('providers');
  const inv = usePoll(allInventoryProviders, 10_000, []);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Providers</Title>
        <Toolbar><ToolbarContent><ToolbarItem>
          <Button variant="primary" onClick={() => navigate('/providers/~new')}>Create provider</Button>
        </ToolbarItem></ToolbarContent></Toolbar>
      </PageSection>
      <PageSection>
        <ErrorAlert error={providers.error} title="Lost the connection to the API; retrying" />
        {!providers.loaded ? <Loading what="providers" /> : providers.items.length === 0 ? (
          <Empty title="No providers" action={<Button onClick={() => navigate('/providers/~new')}>Create provider</Button>}>
            A provider is a source (vSphere, oVirt, OpenStack, OVA) or a destination (OpenShift / KubeVirt).
          </Empty>
        ) : (
          <Table aria-label="Providers" variant="compact">
            <Thead><Tr><Th>Name</Th><Th>Namespace</Th><Th>Type</Th><Th>URL</Th><Th>Conditions</Th><Th>Inventory</Th></Tr></Thead>
            <Tbody>
              {providers.items.map((p) => (
                <Tr key={p.metadata.uid ?? p.metadata.name}>
                  <Td dataLabel="Name"><Link to={`/providers/${p.metadata.namespace}/${p.metadata.name}`}>{p.metadata.name}</Link></Td>
                  <Td dataLabel="Namespace">{p.metadata.namespace}</Td>
                  <Td dataLabel="Type">{p.spec?.type}</Td>
                  <Td dataLabel="URL" modifier="truncate">{p.spec?.url || '—'}</Td>
                  <Td dataLabel="Conditions"><Conditions conditions={p.status?.conditions} /></Td>
                  <Td dataLabel="Inventory">{counters(inv.data?.get(p.metadata.uid ?? ''))}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}

const TYPES = ['vsphere', 'ovirt', 'openstack', 'ova', 'openshift'];
/** The Secret keys each provider type reads (MTV's names). */
const SECRET_KEYS: Record<string, { key: string; label: string; secret?: boolean; multiline?: boolean }[]> = {
  vsphere: [{ key: 'user', label: 'User' }, { key: 'password', label: 'Password', secret: true }, { key: 'cacert', label: 'CA certificate (PEM)', multiline: true }],
  ovirt: [{ key: 'user', label: 'User' }, { key: 'password', label: 'Password', secret: true }, { key: 'cacert', label: 'CA certificate (PEM)', multiline: true }],
  openstack: [{ key: 'username', label: 'User' }, { key: 'password', label: 'Password', secret: true }, { key: 'domainName', label: 'Domain' },
    { key: 'projectName', label: 'Project' }, { key: 'regionName', label: 'Region' }, { key: 'cacert', label: 'CA certificate (PEM)', multiline: true }],
  ova: [],
  openshift: [{ key: 'token', label: 'Service account token', secret: true }],
};

function b64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return btoa(bin);
}

function ProviderForm({ namespace, name }: { namespace?: string; name?: string }) {
  const editing = !!name;
  const existing = usePoll(editing ? () => api.get<Provider>('providers', namespace!, name!) : null, 0, [namespace, name]);
  const secretRef = existing.data?.spec?.secret;
  const existingSecret = usePoll(secretRef?.name ? () => api.get<Secret>('secrets', secretRef.namespace ?? namespace!, secretRef.name!) : null,
    0, [secretRef?.name]);
  const [form, setForm] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const v = (k: string, d = '') => form[k] ?? d;
  const set = (k: string) => (_: unknown, val: string | boolean) => setForm((f) => ({ ...f, [k]: String(val) }));
  const type = v('type', existing.data?.spec?.type ?? 'vsphere');
  const ns = v('namespace', namespace ?? 'default');
  const pname = v('name', name ?? '');
  const url = v('url', existing.data?.spec?.url ?? '');
  const stored = new Set(Object.keys(existingSecret.data?.data ?? {}));
  const keys = SECRET_KEYS[type] ?? [];

  const insecure = v('insecure', stored.has('insecureSkipVerify') ? 'true' : 'false') === 'true';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // Secret values are write-only: only what was typed is sent; an empty field keeps the stored value.
    const data: Record<string, string | null> = {};
    for (const k of keys) if (v('secret.' + k.key)) data[k.key] = b64(v('secret.' + k.key));
    if (type === 'ova' && url) data.url = b64(url);
    if (insecure && !stored.has('insecureSkipVerify')) data.insecureSkipVerify = b64('true');
    else if (!insecure && stored.has('insecureSkipVerify')) data.insecureSkipVerify = null; // merge patch: remove the key
    let createdSecret: string | null = null;
    try {
      let secret = secretRef?.name ? { name: secretRef.name, namespace: secretRef.namespace ?? ns } : null;
      // An edited provider's Secret is patched after the provider is accepted (a refused URL must not leave new
      // credentials half-saved); a new Secret comes first, since the provider names it, and goes if the provider is refused.
      const patchSecret = editing && secret && Object.keys(data).length ? secret : null;
      if (!secret && (!editing || Object.values(data).some((x) => x !== null))) {
        // a new provider, or one without a Secret that now gets values
        const sname = `${pname}-secret`;
        await api.create<Secret>('secrets', ns, {
          metadata: { name: sname, namespace: ns, labels: { createdForProviderType: type, createdForResourceType: 'providers' } },
          type: 'Opaque', data: Object.fromEntries(Object.entries(data).filter(([, x]) => x !== null)) as Record<string, string>,
        });
        createdSecret = sname;
        secret = { name: sname, namespace: ns };
      }
      const settings = settingsOf(v('settings', editing ? settingsText(existing.data) : ''));
      if (editing) {
        // re-read and retried on a conflict: the platform writes the provider's status meanwhile
        await update<Provider>('providers', ns, pname, (p) => {
          p.spec = { ...p.spec, url, settings, ...(secret ? { secret } : {}) };
          if (!settings) delete p.spec.settings;
        });
      } else {
        await api.create<Provider>('providers', ns, {
          metadata: { name: pname, namespace: ns },
          spec: { type, url, secret: secret!, settings },
        });
      }
      if (patchSecret) await api.patch('secrets', patchSecret.namespace, patchSecret.name, { data });
      navigate(`/providers/${ns}/${pname}`);
    } catch (err) {
      // A provider the API refused leaves no orphan Secret behind.
      if (createdSecret) await api.remove('secrets', ns, createdSecret).catch(() => undefined);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (editing && existing.loading) return <Loading what="the provider" />;
  const err = (f: string) => fieldError(error, f);
  const helper = (f: string, text?: string) => {
    const m = err(f);
    return (m || text) ? <FormHelperText><HelperText><HelperTextItem variant={m ? 'error' : 'default'}>{m ?? text}</HelperTextItem></HelperText></FormHelperText> : null;
  };
  return (
    <>
      <PageSection>
        <Breadcrumb><BreadcrumbItem><Link to="/providers">Providers</Link></BreadcrumbItem></Breadcrumb>
        <Title headingLevel="h1">{editing ? `Edit provider ${name}` : 'Create provider'}</Title>
      </PageSection>
      <PageSection>
        <Form onSubmit={submit} style={{ maxWidth: 720 }}>
          {error instanceof ApiError && error.causes.length > 0
            ? <Alert variant="danger" isInline title={error.message} />
            : error !== null && <ErrorAlert error={error} />}
          <FormGroup label="Type" isRequired fieldId="provider-type">
            <FormSelect id="provider-type" value={type} isDisabled={editing} onChange={set('type')} aria-label="Provider type">
              {TYPES.map((t) => <FormSelectOption key={t} value={t} label={t} />)}
            </FormSelect>
            {helper('spec.type')}
          </FormGroup>
          <FormGroup label="Name" isRequired fieldId="provider-name">
            <TextInput id="provider-name" value={pname} isDisabled={editing} onChange={set('name')} isRequired
                       validated={err('metadata.name') ? 'error' : 'default'} />
            {helper('metadata.name', 'Lower-case letters, digits and -')}
          </FormGroup>
          <FormGroup label="Namespace" isRequired fieldId="provider-namespace">
            <TextInput id="provider-namespace" value={ns} isDisabled={editing} onChange={set('namespace')} isRequired />
            {helper('metadata.namespace')}
          </FormGroup>
          <FormGroup label="URL" isRequired={type !== 'openshift'} fieldId="provider-url">
            <TextInput id="provider-url" value={url} onChange={set('url')} validated={err('spec.url') ? 'error' : 'default'}
                       placeholder={type === 'ova' ? 'file:///path/to/appliances or nfs.example.com:/exports/ova' : type === 'vsphere' ? 'https://vcenter.example.com/sdk' : ''} />
            {helper('spec.url', type === 'openshift' ? 'Empty for the cluster Hoist runs in; file:///dir writes KubeVirt manifests to a folder' : undefined)}
          </FormGroup>
          {keys.map((k) => (
            <FormGroup key={k.key} label={k.label} fieldId={`secret-${k.key}`}>
              <TextInput id={`secret-${k.key}`} type={k.secret ? 'password' : 'text'} value={v('secret.' + k.key)}
                         onChange={set('secret.' + k.key)} autoComplete="off"
                         placeholder={stored.has(k.key) ? 'stored — leave empty to keep' : ''} />
              {helper(`data[${k.key}]`)}
            </FormGroup>
          ))}
          {type !== 'ova' && (
            <FormGroup fieldId="insecure">
              <Checkbox id="insecure" label="Skip certificate verification (insecure)"
                        isChecked={insecure}
                        onChange={(_, c) => setForm((f) => ({ ...f, insecure: String(c) }))} />
              {insecure && <Alert variant="warning" isInline isPlain title="The provider's TLS certificate will not be verified." />}
            </FormGroup>
          )}
          <FormGroup label="Settings" fieldId="provider-settings">
            <TextInput id="provider-settings" value={v('settings', editing ? settingsText(existing.data) : '')} onChange={set('settings')}
                       placeholder="key=value, key=value (e.g. vddkInitImage=..., sdkEndpoint=esxi)" />
            {helper('spec.settings')}
          </FormGroup>
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || !pname}>{editing ? 'Save' : 'Create'}</Button>
            <Button variant="link" onClick={() => history.back()}>Cancel</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}

function settingsOf(text: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

function settingsText(p: Provider | undefined): string {
  return Object.entries(p?.spec?.settings ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

function ProviderDetail({ namespace, name }: { namespace: string; name: string }) {
  const providers = useWatch<Provider>('providers', namespace);
  const p = providers.items.find((x) => x.metadata.name === name);
  if (!providers.loaded) return <Loading what="the provider" />;
  if (!p) return <PageSection><Empty title={`Provider ${namespace}/${name} not found`}><Link to="/providers">All providers</Link></Empty></PageSection>;
  return (
    <>
      <PageSection>
        <Breadcrumb><BreadcrumbItem><Link to="/providers">Providers</Link></BreadcrumbItem></Breadcrumb>
        <Title headingLevel="h1">{name}</Title>
        <Toolbar><ToolbarContent>
          <ToolbarItem><Button variant="secondary" onClick={() => navigate(`/providers/${namespace}/${name}/edit`)}>Edit</Button></ToolbarItem>
          <ToolbarItem>
            <ConfirmButton label="Delete" danger title={`Delete provider ${name}?`} body="Plans and maps that use it stop being ready."
                           onConfirm={async () => { await api.remove('providers', namespace, name); navigate('/providers'); }} />
          </ToolbarItem>
        </ToolbarContent></Toolbar>
        <DescriptionList isHorizontal isCompact>
          <DescriptionListGroup><DescriptionListTerm>Type</DescriptionListTerm><DescriptionListDescription>{p.spec?.type}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>URL</DescriptionListTerm><DescriptionListDescription>{p.spec?.url || '—'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>Conditions</DescriptionListTerm><DescriptionListDescription><Conditions conditions={p.status?.conditions} /></DescriptionListDescription></DescriptionListGroup>
        </DescriptionList>
        {(p.status?.conditions ?? []).filter((c) => c.status === 'True' && c.category === 'Critical').map((c) => (
          <Alert key={c.type} variant="danger" isInline title={c.type}>{c.message}</Alert>
        ))}
      </PageSection>
      <PageSection>
        {isTrue(p.status?.conditions, 'Ready') ? <InventoryBrowser provider={p} /> : <p>The inventory is shown once the provider is ready.</p>}
      </PageSection>
    </>
  );
}

function toTree(n: TreeNode, vmIds: Map<string, Set<string>>): TreeViewDataItem | null {
  const id = n.object?.id ?? '';
  const kids = (n.children ?? []).map((c) => toTree(c, vmIds)).filter((x): x is TreeViewDataItem => !!x);
  const vms = new Set<string>();
  if (n.kind === 'VM' || n.kind === 'VirtualMachine') vms.add(id);
  for (const c of n.children ?? []) for (const v of vmIds.get(c.object?.id ?? '') ?? []) vms.add(v);
  vmIds.set(id, vms);
  if (n.kind === 'VM' || n.kind === 'VirtualMachine') return null; // VMs are listed in the table
  return { id, name: n.object?.name ?? n.kind ?? '?', children: kids.length ? kids : undefined, defaultExpanded: true };
}

/** The provider's host or VM folder tree and its VMs, with concerns from validation. */
export function InventoryBrowser({ provider }: { provider: Provider }) {
  const [treeName, setTreeName] = useState<'vm' | 'host'>('vm');
  const vms = usePoll(() => listInventory(provider, 'vms'), 10_000, [provider.metadata.uid]);
  const tree = usePoll(() => inventoryTree(provider, treeName), 30_000, [provider.metadata.uid, treeName]);
  const [search, setSearch] = useState('');
  const [folder, setFolder] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { items, members } = useMemo(() => {
    const members = new Map<string, Set<string>>();
    const root = tree.data ? toTree(tree.data, members) : null;
    return { items: root?.children ?? (root ? [root] : []), members };
  }, [tree.data]);
  const shown = (vms.data ?? []).filter((vm) => (!search || vm.name.toLowerCase().includes(search.toLowerCase()))
    && (!folder || members.get(folder)?.has(vm.id)));
  return (
    <>
      <Title headingLevel="h2">Inventory</Title>
      <ErrorAlert error={vms.error} title="Cannot read the inventory" />
      <Grid hasGutter>
        {items.length > 0 && (
          <GridItem md={4}>
            <FormSelect value={treeName} onChange={(_, v) => { setTreeName(v as 'vm' | 'host'); setFolder(null); }} aria-label="Tree">
              <FormSelectOption value="vm" label="VMs and templates (folders)" />
              <FormSelectOption value="host" label="Hosts and clusters" />
            </FormSelect>
            <div className="hoist-tree">
              <TreeView aria-label="Inventory tree" data={items} hasGuides activeItems={items.filter((i) => i.id === folder)}
                        onSelect={(_, item) => setFolder(item.id === folder ? null : item.id ?? null)} />
            </div>
          </GridItem>
        )}
        <GridItem md={items.length > 0 ? 8 : 12}>
          <Toolbar><ToolbarContent><ToolbarItem>
            <SearchInput placeholder="Search VMs by name" value={search} onChange={(_, v) => setSearch(v)} onClear={() => setSearch('')} aria-label="Search VMs" />
          </ToolbarItem><ToolbarItem>{shown.length} of {vms.data?.length ?? 0} VMs</ToolbarItem></ToolbarContent></Toolbar>
          {vms.loading && !vms.data ? <Loading what="VMs" /> : (
            <VmTable vms={shown} open={open} setOpen={setOpen} />
          )}
        </GridItem>
      </Grid>
    </>
  );
}

export function vmDiskTotal(vm: InventoryItem): number {
  return (vm.disks ?? []).reduce((s, d) => s + (d.capacity ?? 0), 0);
}

function VmTable({ vms, open, setOpen }: { vms: InventoryItem[]; open: string | null; setOpen: (id: string | null) => void }) {
  if (vms.length === 0) return <Empty title="No VMs match" />;
  return (
    <Table aria-label="VMs" variant="compact">
      <Thead><Tr><Th screenReaderText="Details" /><Th>Name</Th><Th>Power</Th><Th>Disks</Th><Th>Concerns</Th></Tr></Thead>
      {vms.map((vm, i) => (
        <Tbody key={vm.id} isExpanded={open === vm.id}>
          <Tr>
            <Td expand={{ rowIndex: i, isExpanded: open === vm.id, onToggle: () => setOpen(open === vm.id ? null : vm.id) }} />
            <Td dataLabel="Name">{vm.name}</Td>
            <Td dataLabel="Power">{vm.powerState ? <Label isCompact color={/on/i.test(vm.powerState) ? 'green' : 'grey'}>{vm.powerState}</Label> : '—'}</Td>
            <Td dataLabel="Disks">{(vm.disks ?? []).length} ({bytes(vmDiskTotal(vm))})</Td>
            <Td dataLabel="Concerns"><ConcernBadges concerns={vm.concerns} /></Td>
          </Tr>
          <Tr isExpanded={open === vm.id}>
            <Td colSpan={5}>
              <ConcernList concerns={vm.concerns} />
              <ul>{(vm.disks ?? []).map((d, j) => <li key={j}>{d.name ?? d.file ?? d.id}: {bytes(d.capacity)}</li>)}</ul>
            </Td>
          </Tr>
        </Tbody>
      ))}
    </Table>
  );
}
