import { FormEvent, useState } from 'react';
import {
  ActionGroup, Alert, Breadcrumb, BreadcrumbItem, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption,
  HelperText, HelperTextItem, PageSection, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, update } from '../api/client';
import { usePoll, useWatch } from '../api/hooks';
import type { InventoryItem, MapPair, NetworkMap, Provider } from '../api/types';
import { Conditions, ConfirmButton, Empty, ErrorAlert, fieldError, Loading } from '../components/common';
import { listInventory, mapSources } from '../inventory';
import { Link, navigate } from '../router';

type MapKind = 'networkmaps' | 'storagemaps';
const TITLE: Record<MapKind, string> = { networkmaps: 'Network maps', storagemaps: 'Storage maps' };
const ONE: Record<MapKind, string> = { networkmaps: 'network map', storagemaps: 'storage map' };

export default function MapsPage({ kind, parts }: { kind: MapKind; parts: string[] }) {
  if (parts[0] === '~new') return <MapForm kind={kind} />;
  if (parts.length >= 2) return <MapForm kind={kind} namespace={parts[0]} name={parts[1]} />;
  return <MapList kind={kind} />;
}

function describe(kind: MapKind, p: MapPair): string {
  const src = p.source.name ?? p.source.id ?? '?';
  const d = p.destination;
  const dst = kind === 'networkmaps' ? (d.type === 'pod' ? 'Pod network' : d.type === 'ignored' ? 'Not migrated' : `${d.namespace ?? ''}/${d.name ?? ''}`)
    : d.storageClass ?? '?';
  return `${src} → ${dst}`;
}

function MapList({ kind }: { kind: MapKind }) {
  const maps = useWatch<NetworkMap>(kind);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{TITLE[kind]}</Title>
        <Toolbar><ToolbarContent><ToolbarItem>
          <Button onClick={() => navigate(`/${kind}/~new`)}>Create {ONE[kind]}</Button>
        </ToolbarItem></ToolbarContent></Toolbar>
      </PageSection>
      <PageSection>
        <ErrorAlert error={maps.error} title="Lost the connection to the API; retrying" />
        {!maps.loaded ? <Loading what={TITLE[kind].toLowerCase()} /> : maps.items.length === 0 ? (
          <Empty title={`No ${TITLE[kind].toLowerCase()}`} action={<Button onClick={() => navigate(`/${kind}/~new`)}>Create {ONE[kind]}</Button>}>
            A {ONE[kind]} says where each source {kind === 'networkmaps' ? 'network' : 'datastore'} goes on the destination.
          </Empty>
        ) : (
          <Table aria-label={TITLE[kind]} variant="compact">
            <Thead><Tr><Th>Name</Th><Th>Namespace</Th><Th>Source → destination</Th><Th>Mappings</Th><Th>Conditions</Th><Th screenReaderText="Actions" /></Tr></Thead>
            <Tbody>
              {maps.items.map((m) => (
                <Tr key={m.metadata.uid ?? m.metadata.name}>
                  <Td dataLabel="Name"><Link to={`/${kind}/${m.metadata.namespace}/${m.metadata.name}`}>{m.metadata.name}</Link></Td>
                  <Td dataLabel="Namespace">{m.metadata.namespace}</Td>
                  <Td dataLabel="Providers">{m.spec?.provider?.source?.name} → {m.spec?.provider?.destination?.name}</Td>
                  <Td dataLabel="Mappings">{(m.spec?.map ?? []).map((p) => describe(kind, p)).join('; ')}</Td>
                  <Td dataLabel="Conditions"><Conditions conditions={m.status?.conditions} /></Td>
                  <Td isActionCell>
                    <ConfirmButton label="Delete" variant="link" danger title={`Delete ${ONE[kind]} ${m.metadata.name}?`}
                                   body="Plans that use it stop being ready."
                                   onConfirm={() => api.remove(kind, m.metadata.namespace!, m.metadata.name)} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}

interface Row { source: string; dest: string; destNs: string }

function MapForm({ kind, namespace, name }: { kind: MapKind; namespace?: string; name?: string }) {
  const editing = !!name;
  const providers = useWatch<Provider>('providers');
  const existing = usePoll(editing ? () => api.get<NetworkMap>(kind, namespace!, name!) : null, 0, [kind, namespace, name]);
  const [mname, setName] = useState(name ?? '');
  const [ns, setNs] = useState(namespace ?? 'default');
  const [src, setSrc] = useState<string | null>(null);
  const [dst, setDst] = useState<string | null>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const e = existing.data;
  const srcName = src ?? e?.spec?.provider?.source?.name ?? '';
  const dstName = dst ?? e?.spec?.provider?.destination?.name ?? '';
  const sources = providers.items.filter((p) => p.spec?.type !== 'openshift' && p.metadata.namespace === ns);
  const dests = providers.items.filter((p) => p.spec?.type === 'openshift' && p.metadata.namespace === ns);
  const srcProvider = sources.find((p) => p.metadata.name === srcName);
  const dstProvider = dests.find((p) => p.metadata.name === dstName);
  const choices = usePoll(srcProvider ? () => mapSources(srcProvider, kind) : null, 0, [srcProvider?.metadata.uid, kind]);
  const destChoices = usePoll(dstProvider ? () => listInventory(dstProvider, kind === 'networkmaps' ? 'networkattachmentdefinitions' : 'storageclasses').catch(() => [] as InventoryItem[]) : null,
    0, [dstProvider?.metadata.uid, kind]);
  const initialRows: Row[] = (e?.spec?.map ?? []).map((p) => ({
    source: p.source.id ?? p.source.name ?? '',
    dest: kind === 'networkmaps' ? (p.destination.type === 'multus' ? p.destination.name ?? '' : p.destination.type ?? 'pod') : p.destination.storageClass ?? '',
    destNs: p.destination.namespace ?? '',
  }));
  const current = rows ?? (initialRows.length ? initialRows : [{ source: '', dest: kind === 'networkmaps' ? 'pod' : '', destNs: '' }]);
  const setRow = (i: number, r: Partial<Row>) => setRows(current.map((x, j) => (j === i ? { ...x, ...r } : x)));

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    const map: MapPair[] = current.filter((r) => r.source).map((r) => {
      const item = choices.data?.find((c) => c.id === r.source);
      const source = kind === 'networkmaps' && item?.name ? { id: r.source, name: item.name } : { id: r.source };
      if (kind === 'storagemaps') return { source, destination: { storageClass: r.dest } };
      if (r.dest === 'pod' || r.dest === 'ignored') return { source, destination: { type: r.dest } };
      return { source, destination: { type: 'multus', name: r.dest, namespace: r.destNs || ns } };
    });
    const spec = { provider: { source: { name: srcName, namespace: ns }, destination: { name: dstName, namespace: ns } }, map };
    try {
      // re-read and retried on a conflict: the platform writes the map's status meanwhile
      if (editing) await update<NetworkMap>(kind, ns, mname, (m) => { m.spec = spec; });
      else await api.create(kind, ns, { metadata: { name: mname, namespace: ns }, spec });
      navigate(`/${kind}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const help = (f: string, text?: string) => {
    const m = fieldError(error, f);
    return (m || text) ? <FormHelperText><HelperText><HelperTextItem variant={m ? 'error' : 'default'}>{m ?? text}</HelperTextItem></HelperText></FormHelperText> : null;
  };
  if (editing && existing.loading) return <Loading what={`the ${ONE[kind]}`} />;
  const label = kind === 'networkmaps' ? 'network' : 'storage';
  return (
    <>
      <PageSection>
        <Breadcrumb><BreadcrumbItem><Link to={`/${kind}`}>{TITLE[kind]}</Link></BreadcrumbItem></Breadcrumb>
        <Title headingLevel="h1">{editing ? `Edit ${ONE[kind]} ${name}` : `Create ${ONE[kind]}`}</Title>
      </PageSection>
      <PageSection>
        <Form onSubmit={submit} style={{ maxWidth: 860 }}>
          {error !== null && <ErrorAlert error={error} title={`The ${ONE[kind]} was not saved`} />}
          <FormGroup label="Name" isRequired fieldId="map-name">
            <TextInput id="map-name" value={mname} onChange={(_, v) => setName(v)} isDisabled={editing} isRequired
                       validated={fieldError(error, 'metadata.name') ? 'error' : 'default'} />
            {help('metadata.name')}
          </FormGroup>
          <FormGroup label="Namespace" isRequired fieldId="map-namespace">
            <TextInput id="map-namespace" value={ns} onChange={(_, v) => setNs(v)} isDisabled={editing} />
          </FormGroup>
          <FormGroup label="Source provider" isRequired fieldId="map-source">
            <FormSelect id="map-source" value={srcName} onChange={(_, v) => { setSrc(v); setRows(null); }}>
              <FormSelectOption value="" label="Select a source provider" isPlaceholder />
              {sources.map((p) => <FormSelectOption key={p.metadata.name} value={p.metadata.name} label={`${p.metadata.name} (${p.spec?.type})`} />)}
            </FormSelect>
            {help('spec.provider.source', sources.length === 0 ? `No source providers in namespace ${ns}` : undefined)}
          </FormGroup>
          <FormGroup label="Destination provider" isRequired fieldId="map-destination">
            <FormSelect id="map-destination" value={dstName} onChange={(_, v) => setDst(v)}>
              <FormSelectOption value="" label="Select a destination provider" isPlaceholder />
              {dests.map((p) => <FormSelectOption key={p.metadata.name} value={p.metadata.name} label={p.metadata.name} />)}
            </FormSelect>
            {help('spec.provider.destination')}
          </FormGroup>
          {srcProvider && choices.loading && <Loading what={`source ${label}s`} />}
          {current.map((r, i) => (
            <FormGroup key={i} label={`Mapping ${i + 1}`} fieldId={`map-row-${i}-source`} role="group">
              <FormSelect id={`map-row-${i}-source`} aria-label={`Source ${label} ${i + 1}`} value={r.source} onChange={(_, v) => setRow(i, { source: v })}>
                <FormSelectOption value="" label={`Source ${label}`} isPlaceholder />
                {(choices.data ?? []).map((c) => <FormSelectOption key={c.id} value={c.id} label={c.name || c.id} />)}
              </FormSelect>
              {kind === 'networkmaps' ? (
                <FormSelect id={`map-row-${i}-dest`} aria-label={`Destination network ${i + 1}`} value={r.dest} onChange={(_, v) => setRow(i, { dest: v })}>
                  <FormSelectOption value="pod" label="Pod network (default)" />
                  <FormSelectOption value="ignored" label="Not migrated" />
                  {(destChoices.data ?? []).map((c) => <FormSelectOption key={c.id} value={c.name} label={`Multus: ${c.name}`} />)}
                </FormSelect>
              ) : (
                <>
                  <TextInput id={`map-row-${i}-dest`} aria-label={`Destination storage class ${i + 1}`} value={r.dest} list="storage-classes"
                             placeholder="Storage class" onChange={(_, v) => setRow(i, { dest: v })} />
                  <datalist id="storage-classes">
                    {(destChoices.data ?? []).map((c) => <option key={c.id} value={c.name} />)}
                    <option value="standard" />
                  </datalist>
                </>
              )}
              {help(`spec.map[${i}]`)}
            </FormGroup>
          ))}
          <Button variant="link" onClick={() => setRows([...current, { source: '', dest: kind === 'networkmaps' ? 'pod' : '', destNs: '' }])}>Add mapping</Button>
          {help('spec.map')}
          {choices.data && choices.data.length === 0 && srcProvider && <Alert variant="info" isInline title={`The source inventory lists no ${label}s yet.`} />}
          <ActionGroup>
            <Button type="submit" isLoading={busy} isDisabled={busy || !mname || !srcName || !dstName}>{editing ? 'Save' : 'Create'}</Button>
            <Button variant="link" onClick={() => navigate(`/${kind}`)}>Cancel</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
