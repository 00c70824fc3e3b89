import { useEffect, useRef, useState } from 'react';
import {
  Alert, Breadcrumb, BreadcrumbItem, Button, CodeBlock, CodeBlockCode, DescriptionList, DescriptionListDescription,
  DescriptionListGroup, DescriptionListTerm, ExpandableSection, Form, FormGroup, FormHelperText, HelperText, HelperTextItem,
  Label, Modal, ModalBody, ModalFooter, ModalHeader, PageSection, Pagination, Progress, SearchInput, ProgressMeasureLocation, Tab, Tabs, TabTitleText,
  TextInput, Title, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { stringify } from 'yaml';
import { api, ApiError, update } from '../api/client';
import { usePoll, useWatch } from '../api/hooks';
import type { Migration, Plan, Ref, Step, VmStatus } from '../api/types';
import { Conditions, ConfirmButton, Empty, ErrorAlert, Loading, SelectCell } from '../components/common';
import { dateTime, duration, mb, rate } from '../format';
import { Link, navigate } from '../router';
import { planState, stateColor, vmState } from '../planState';

const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp'];

function finished(m: Migration): boolean {
  return !!m.status?.completed || (m.status?.conditions ?? []).some((c) => c.status === 'True' && ['Succeeded', 'Failed', 'Canceled'].includes(c.type));
}

function suffix(): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  const r = crypto.getRandomValues(new Uint8Array(5));
  return [...r].map((b) => chars[b % chars.length]).join('');
}

export default function PlanDetail({ namespace, name }: { namespace: string; name: string }) {
  const plans = useWatch<Plan>('plans', namespace);
  const migrations = useWatch<Migration>('migrations', namespace);
  const [tab, setTab] = useState<string | number>('vms');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<unknown>(null);
  const plan = plans.items.find((p) => p.metadata.name === name);
  if (!plans.loaded) return <Loading what="the plan" />;
  if (!plan) return <PageSection><Empty title={`Plan ${namespace}/${name} not found`}><Link to="/plans">All plans</Link></Empty></PageSection>;

  const mine = migrations.items.filter((m) => m.spec?.plan?.name === name && (m.spec?.plan?.namespace ?? namespace) === namespace)
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  const running = mine.find((m) => !finished(m));
  const state = planState(plan);
  const vms = plan.status?.migration?.vms ?? [];
  const act = async (f: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await f();
    } catch (e) {
      setActionError(e);
      throw e;
    }
  };
  const start = () => act(() => api.create<Migration>('migrations', namespace, {
    metadata: { name: `${name.slice(0, 56)}-${suffix()}`, namespace },
    spec: { plan: { name, namespace } },
  }));
  const cancel = () => act(async () => {
    const refs: Ref[] = [...picked].map((id) => {
      const vm = vms.find((v) => (v.id ?? v.name) === id);
      return vm?.id ? { id: vm.id } : { name: vm?.name ?? id };
    });
    await update<Migration>('migrations', namespace, running!.metadata.name, (m) => {
      const list = m.spec!.cancel ?? [];
      for (const r of refs) if (!list.some((c) => (r.id && c.id === r.id) || (r.name && c.name === r.name))) list.push(r);
      m.spec!.cancel = list;
    });
    setPicked(new Set());
  });
  const archive = () => act(() => update<Plan>('plans', namespace, name, (p) => { p.spec = { ...p.spec, archived: true }; }));
  const remove = () => act(async () => { await api.remove('plans', namespace, name); navigate('/plans'); });

  return (
    <>
      <PageSection>
        <Breadcrumb><BreadcrumbItem><Link to="/plans">Plans</Link></BreadcrumbItem></Breadcrumb>
        <Title headingLevel="h1">{name} <Label color={stateColor(state)} data-testid="plan-state">{state}</Label></Title>
        <Toolbar aria-label="Plan actions"><ToolbarContent><ToolbarGroup>
          <ToolbarItem>
            <ConfirmButton label={mine.length ? 'Restart' : 'Start'} variant="primary" isDisabled={!!running || state === 'Archived' || state === 'Succeeded' || state === 'Not ready' || state === 'Pending'}
                           title={mine.length ? `Restart ${name}?` : `Start migrating ${name}?`}
                           body={mine.length ? 'VMs that failed or were canceled run again; succeeded VMs are not touched.' : `${plan.spec?.vms?.length ?? 0} VMs will be migrated${plan.spec?.warm ? ' warm: disks are copied while the VMs run, until cutover' : '; running source VMs are shut down first'}.`}
                           onConfirm={start} />
          </ToolbarItem>
          {plan.spec?.warm && running && <ToolbarItem><CutoverButton migration={running} onError={setActionError} /></ToolbarItem>}
          <ToolbarItem>
            <ConfirmButton label={`Cancel selected VMs (${picked.size})`} isDisabled={!running || picked.size === 0} danger
                           title="Cancel the selected VMs?" body={`Canceled VMs stop migrating; the source VMs are left as they were. ${[...picked].join(', ')}`}
                           confirmLabel="Cancel VMs" onConfirm={cancel} />
          </ToolbarItem>
          <ToolbarItem><DuplicateButton plan={plan} /></ToolbarItem>
          <ToolbarItem>
            <ConfirmButton label="Archive" isDisabled={!!running || state === 'Archived'} title={`Archive ${name}?`}
                           body="An archived plan keeps its history but can no longer be started." onConfirm={archive} />
          </ToolbarItem>
          <ToolbarItem>
            <ConfirmButton label="Delete" danger title={`Delete ${name}?`} body="The plan and its history are deleted; migrated VMs stay where they are."
                           onConfirm={remove} />
          </ToolbarItem>
        </ToolbarGroup></ToolbarContent></Toolbar>
        <ErrorAlert error={actionError} title="The action failed" />
        <DescriptionList isHorizontal isCompact columnModifier={{ lg: '2Col' }}>
          <DescriptionListGroup><DescriptionListTerm>Source → destination</DescriptionListTerm>
            <DescriptionListDescription>{plan.spec?.provider?.source?.name} → {plan.spec?.provider?.destination?.name}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>Type</DescriptionListTerm><DescriptionListDescription>{plan.spec?.warm ? 'Warm' : 'Cold'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>Target namespace</DescriptionListTerm><DescriptionListDescription>{plan.spec?.targetNamespace ?? namespace}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>Started</DescriptionListTerm><DescriptionListDescription>{dateTime(plan.status?.migration?.started)}</DescriptionListDescription></DescriptionListGroup>
          {running?.spec?.cutover && <DescriptionListGroup><DescriptionListTerm>Cutover</DescriptionListTerm>
            <DescriptionListDescription data-testid="cutover">{dateTime(running.spec.cutover)}</DescriptionListDescription></DescriptionListGroup>}
          <DescriptionListGroup><DescriptionListTerm>Conditions</DescriptionListTerm><DescriptionListDescription><Conditions conditions={plan.status?.conditions} /></DescriptionListDescription></DescriptionListGroup>
        </DescriptionList>
        {(plan.status?.conditions ?? []).filter((c) => c.status === 'True' && (c.category === 'Critical' || c.category === 'Error' || c.category === 'Warn')).map((c) => (
          <Alert key={c.type} variant={c.category === 'Warn' ? 'warning' : 'danger'} isInline isPlain title={`${c.type}: ${c.message ?? ''}`}>
            {c.items?.length ? c.items.join(', ') : null}
          </Alert>
        ))}
      </PageSection>
      <PageSection>
        <Tabs activeKey={tab} onSelect={(_, k) => setTab(k)} aria-label="Plan details" mountOnEnter>
          <Tab eventKey="vms" title={<TabTitleText>Virtual machines</TabTitleText>}>
            {vms.length === 0 ? (
              <Table aria-label="Plan VMs" variant="compact">
                <Thead><Tr><Th>VM</Th><Th>State</Th></Tr></Thead>
                <Tbody>{(plan.spec?.vms ?? []).map((v) => <Tr key={v.id ?? v.name}><Td>{v.name ?? v.id}</Td><Td>Not started</Td></Tr>)}</Tbody>
              </Table>
            ) : <VmTable plan={{ namespace, name }} vms={vms} picked={picked} setPicked={setPicked} canCancel={!!running} />}
          </Tab>
          <Tab eventKey="yaml" title={<TabTitleText>YAML</TabTitleText>}>
            <YamlView plan={plan} />
          </Tab>
          <Tab eventKey="history" title={<TabTitleText>Migrations</TabTitleText>}>
            <Table aria-label="Migrations" variant="compact">
              <Thead><Tr><Th>Migration</Th><Th>Created</Th><Th>Cutover</Th><Th>Conditions</Th></Tr></Thead>
              <Tbody>{mine.map((m) => (
                <Tr key={m.metadata.name}><Td>{m.metadata.name}</Td><Td>{dateTime(m.metadata.creationTimestamp)}</Td>
                  <Td>{dateTime(m.spec?.cutover)}</Td><Td><Conditions conditions={m.status?.conditions} /></Td></Tr>
              ))}</Tbody>
            </Table>
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
}

/** One row per VM, expandable to its pipeline. Rendering stays cheap for 1,000 VMs: pipelines render only when opened. */
function VmTable({ plan, vms, picked, setPicked, canCancel }: {
  plan: PlanKey; vms: VmStatus[]; picked: Set<string>; setPicked: (s: Set<string>) => void; canCancel: boolean;
}) {
  const [open, setOpen] = useState<Set<string>>(() => new Set(vms.length <= 5 ? vms.map((v) => v.id ?? v.name ?? '') : []));
  const [pageNo, setPageNo] = useState(1);
  const [perPage, setPerPage] = useState(50);
  const [search, setSearch] = useState('');
  const toggle = (id: string) => { const n = new Set(open); if (n.has(id)) n.delete(id); else n.add(id); setOpen(n); };
  // A plan of 1,000 VMs shows a page at a time: the page stays responsive while every VM updates live.
  const matching = search ? vms.filter((v) => (v.name ?? v.id ?? '').toLowerCase().includes(search.toLowerCase())) : vms;
  const shown = matching.slice((pageNo - 1) * perPage, pageNo * perPage);
  return (
    <>
    <Toolbar><ToolbarContent>
      <ToolbarItem><SearchInput aria-label="Search VMs" placeholder="Search VMs by name" value={search}
                                onChange={(_, v) => { setSearch(v); setPageNo(1); }} onClear={() => setSearch('')} /></ToolbarItem>
      <ToolbarItem variant="pagination">
        <Pagination itemCount={matching.length} perPage={perPage} page={pageNo} isCompact
                    onSetPage={(_, p) => setPageNo(p)} onPerPageSelect={(_, pp) => { setPerPage(pp); setPageNo(1); }} />
      </ToolbarItem>
    </ToolbarContent></Toolbar>
    <Table aria-label="Plan VMs" variant="compact">
      <Thead><Tr><Th screenReaderText="Details" /><Th screenReaderText="Select" /><Th>VM</Th><Th>Phase</Th><Th>State</Th><Th>Progress</Th><Th>Rate</Th><Th>Started</Th><Th>Completed</Th></Tr></Thead>
      {shown.map((vm, i) => {
        const id = vm.id ?? vm.name ?? String(i);
        const s = vmState(vm);
        const steps = vm.pipeline ?? [];
        const done = steps.filter((x) => x.phase === 'Completed').length;
        const rateNow = steps.filter((x) => x.phase === 'Running').map((x) => x.annotations?.['hoist.io/rate-mibps']).find(Boolean);
        return (
          <Tbody key={id} isExpanded={open.has(id)}>
            <Tr data-vm={vm.name}>
              <Td expand={{ rowIndex: i, isExpanded: open.has(id), onToggle: () => toggle(id) }} />
              <SelectCell id={`pick-vm-${i}`} label={`Select ${vm.name ?? id}`} isSelected={picked.has(id)} isDisabled={!canCancel || !!vm.completed}
                          onSelect={(on) => { const n = new Set(picked); if (on) n.add(id); else n.delete(id); setPicked(n); }} />
              <Td dataLabel="VM">{vm.name ?? id}</Td>
              <Td dataLabel="Phase">{vm.phase ?? '—'}</Td>
              <Td dataLabel="State"><Label isCompact data-vm-state={s} color={s === 'Succeeded' ? 'green' : s === 'Failed' ? 'red' : s === 'Canceled' ? 'orange' : 'blue'}>{s}</Label></Td>
              <Td dataLabel="Progress">{steps.length ? `${done}/${steps.length} steps` : '—'}</Td>
              <Td dataLabel="Rate">{rateNow ? rate(rateNow) : '—'}</Td>
              <Td dataLabel="Started">{dateTime(vm.started)}</Td>
              <Td dataLabel="Completed">{dateTime(vm.completed)}</Td>
            </Tr>
            <Tr isExpanded={open.has(id)}>
              <Td colSpan={9}>{open.has(id) && <Pipeline vm={vm} plan={plan} />}</Td>
            </Tr>
          </Tbody>
        );
      })}
    </Table>
    </>
  );
}

function stepVariant(s: Step): 'success' | 'danger' | undefined {
  return s.error || s.phase === 'Failed' ? 'danger' : s.phase === 'Completed' ? 'success' : undefined;
}

function pct(s: Step): number {
  const t = s.progress?.total ?? 0;
  if (s.phase === 'Completed') return 100;
  return t > 0 ? Math.min(100, Math.round(((s.progress?.completed ?? 0) / t) * 100)) : 0;
}

function checksums(s: Step): { disk: string; source?: string; target?: string }[] {
  const out = new Map<string, { disk: string; source?: string; target?: string }>();
  const add = (disk: string, which: 'source' | 'target', v: string) => {
    const e = out.get(disk) ?? { disk };
    e[which] = v;
    out.set(disk, e);
  };
  for (const [k, v] of Object.entries(s.annotations ?? {})) {
    const m = /^hoist\.io\/checksum\.(.+)\.(source|target)$/.exec(k);
    if (m) add(m[1], m[2] as 'source' | 'target', v);
  }
  for (const t of s.tasks ?? []) {
    const src = t.annotations?.['hoist.io/source-checksum'];
    const dst = t.annotations?.['hoist.io/target-checksum'];
    if ((src || dst) && !out.has(t.name)) out.set(t.name, { disk: t.name, source: src, target: dst });
  }
  return [...out.values()];
}

/** The VM's steps with progress bars, rate, ETA, both checksums of each disk, errors and logs. */
export function Pipeline({ vm, plan }: { vm: VmStatus; plan: PlanKey }) {
  const steps = vm.pipeline ?? [];
  const sums = steps.flatMap(checksums);
  return (
    <div className="hoist-pipeline" data-testid={`pipeline-${vm.name}`}>
      {vm.error && <Alert variant="danger" isInline title={`Failed in ${vm.error.phase ?? 'a step'}`}>{(vm.error.reasons ?? []).join('; ')}</Alert>}
      {(vm.warm?.precopies?.length ?? 0) > 0 && <p>Precopies: {vm.warm!.precopies!.length} (last ended {dateTime(vm.warm!.precopies![vm.warm!.precopies!.length - 1].end)})</p>}
      <Table aria-label={`Pipeline of ${vm.name}`} variant="compact" borders={false}>
        <Thead><Tr><Th width={20}>Step</Th><Th width={15}>Phase</Th><Th width={20}>Progress</Th><Th width={10}>Rate</Th><Th width={10}>ETA</Th><Th width={25}>Details</Th></Tr></Thead>
        <Tbody>
          {steps.map((s) => {
            const a = s.annotations ?? {};
            const running = s.phase === 'Running';
            const skipped = a['hoist.io/skipped'] === 'true'; // done without work: no bar, the reason in Details
            return (
              <Tr key={s.name} data-step={s.name} data-phase={s.phase}>
                <Td dataLabel="Step"><b>{s.description ?? s.name}</b></Td>
                <Td dataLabel="Phase">{skipped ? 'Skipped' : s.phase ?? 'Pending'}</Td>
                <Td dataLabel="Progress">
                  {skipped ? '—' : <Progress value={pct(s)} size="sm" variant={stepVariant(s)} measureLocation={ProgressMeasureLocation.top}
                            aria-label={`${s.name} progress`}
                            label={s.progress?.total ? `${mb(s.progress.completed)} / ${mb(s.progress.total)}` : undefined} />}
                </Td>
                <Td dataLabel="Rate">{running ? rate(a['hoist.io/rate-mibps']) : '—'}</Td>
                <Td dataLabel="ETA">{running ? duration(Number(a['hoist.io/eta-seconds'])) : '—'}</Td>
                <Td dataLabel="Details">
                  {skipped && s.reason && <div className="hoist-muted">{s.reason}</div>}
                  {s.error && <div className="pf-v6-u-danger-color-100" role="alert">{(s.error.reasons ?? []).join('; ')}</div>}
                  {a['hoist.io/hook'] && <div>Hook {a['hoist.io/hook']}{a['hoist.io/hook-result'] ? `: ${a['hoist.io/hook-result']}` : ''}</div>}
                  {a['hoist.io/log'] && vm.id && <StepLog plan={plan} vmId={vm.id} step={s} />}
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      {sums.length > 0 && (
        <Table aria-label={`Disk checksums of ${vm.name}`} variant="compact" borders={false} className="hoist-checksums">
          <Thead><Tr><Th width={20}>Disk</Th><Th>Source checksum</Th><Th>Target checksum</Th><Th width={15}>Result</Th></Tr></Thead>
          <Tbody>
            {sums.map((c) => (
              <Tr key={c.disk} data-testid="checksums">
                <Td dataLabel="Disk" modifier="truncate"><code title={c.disk}>{c.disk}</code></Td>
                <Td dataLabel="Source checksum" modifier="truncate"><code title={c.source} data-testid="source-checksum">{c.source ?? '—'}</code></Td>
                <Td dataLabel="Target checksum" modifier="truncate"><code title={c.target} data-testid="target-checksum">{c.target ?? '—'}</code></Td>
                <Td dataLabel="Result">
                  {c.source && c.target ? <Label isCompact color={c.source === c.target ? 'green' : 'red'}>{c.source === c.target ? 'match' : 'MISMATCH'}</Label> : '—'}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </div>
  );
}

interface PlanKey { namespace: string; name: string }

/**
 * A step's kept output (hook steps: ansible's), read from the plan's log route when opened and again every few
 * seconds while the step runs. The step's last lines, which the platform copies into its status, show meanwhile.
 */
function StepLog({ plan, vmId, step }: { plan: PlanKey; vmId: string; step: Step }) {
  const [open, setOpen] = useState(false);
  const running = step.phase === 'Running';
  const log = usePoll(open ? () => api.text('planLog', { namespace: plan.namespace, name: plan.name }, { vm: vmId, step: step.name }) : null, running ? 5_000 : 0,
    [open, running, plan.namespace, plan.name, vmId, step.name]);
  const tail = step.annotations?.['hoist.io/output'];
  const missing = log.error instanceof ApiError && log.error.status === 404;
  return (
    <>
      {tail && !open && <CodeBlock className="hoist-log" {...scrollable(`${step.name} log, last lines`)}><CodeBlockCode>{tail}</CodeBlockCode></CodeBlock>}
      <ExpandableSection toggleText={open ? 'Hide the full log' : 'Show the full log'} onToggle={(_, o) => setOpen(o)} isExpanded={open}>
        {log.data !== undefined ? <CodeBlock className="hoist-log" data-testid={`log-${step.name}`} {...scrollable(`${step.name} log`)}><CodeBlockCode>{log.data}</CodeBlockCode></CodeBlock>
          : missing ? <p className="hoist-muted">No output kept yet.</p>
            : log.error ? <ErrorAlert error={log.error} title="Cannot read the log" />
              : <Loading what="the log" />}
        <p className="hoist-muted">From a shell: <code>{step.annotations?.['hoist.io/log']}</code></p>
      </ExpandableSection>
    </>
  );
}

/** Schedule (or clear) a warm migration's cutover: a local date and time, stored as RFC 3339 UTC. */
function CutoverButton({ migration, onError }: { migration: Migration; onError: (e: unknown) => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const save = async (at: string | null) => {
    setError(null);
    try {
      await update<Migration>('migrations', migration.metadata.namespace!, migration.metadata.name, (m) => {
        if (at) m.spec!.cutover = at;
        else delete m.spec!.cutover;
      });
      setOpen(false);
    } catch (e) {
      setError(e);
      onError(e);
    }
  };
  const parsed = value ? new Date(value) : null;
  const valid = parsed && !Number.isNaN(parsed.getTime());
  return (
    <>
      <Button variant="secondary" onClick={() => { setValue(toLocalInput(migration.spec?.cutover)); setOpen(true); }}>
        {migration.spec?.cutover ? 'Change cutover' : 'Schedule cutover'}
      </Button>
      <Modal variant="small" isOpen={open} onClose={() => setOpen(false)} aria-labelledby="cutover-title">
        <ModalHeader title="Cutover" labelId="cutover-title" description="At this time the source VMs are shut down and the last changes are copied." />
        <ModalBody>
          <Form onSubmit={(e) => { e.preventDefault(); if (valid) void save(parsed!.toISOString()); }}>
            <FormGroup label="Date and time (your time zone)" fieldId="cutover-at">
              <TextInput id="cutover-at" type="datetime-local" value={value} onChange={(_, v) => setValue(v)} step={60} />
              <FormHelperText><HelperText><HelperTextItem variant={error instanceof ApiError ? 'error' : 'default'}>
                {error instanceof ApiError ? (error.fieldMessage('spec.cutover') ?? error.message) : valid ? `= ${parsed!.toISOString()}` : 'Pick a date and time'}
              </HelperTextItem></HelperText></FormHelperText>
            </FormGroup>
          </Form>
        </ModalBody>
        <ModalFooter>
          <Button onClick={() => save(parsed!.toISOString())} isDisabled={!valid}>Schedule</Button>
          <Button variant="secondary" onClick={() => save(new Date().toISOString())}>Cut over now</Button>
          {migration.spec?.cutover && <Button variant="link" isDanger onClick={() => save(null)}>Clear cutover</Button>}
          <Button variant="link" onClick={() => setOpen(false)}>Cancel</Button>
        </ModalFooter>
      </Modal>
    </>
  );
}

function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function DuplicateButton({ plan }: { plan: Plan }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(`${plan.metadata.name}-copy`);
  const [error, setError] = useState<unknown>(null);
  const ns = plan.metadata.namespace!;
  const go = async () => {
    setError(null);
    const copy: Plan = JSON.parse(JSON.stringify(plan));
    delete copy.status;
    for (const k of SERVER_METADATA) delete (copy.metadata as unknown as Record<string, unknown>)[k];
    copy.metadata.name = name;
    if (copy.spec) delete copy.spec.archived;
    try {
      await api.create('plans', ns, copy);
      setOpen(false);
      navigate(`/plans/${ns}/${name}`);
    } catch (e) {
      setError(e);
    }
  };
  const msg = error instanceof ApiError ? error.fieldMessage('metadata.name') : undefined;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>Duplicate</Button>
      <Modal variant="small" isOpen={open} onClose={() => setOpen(false)} aria-labelledby="dup-title">
        <ModalHeader title={`Duplicate ${plan.metadata.name}`} labelId="dup-title" />
        <ModalBody>
          <Form onSubmit={(e) => { e.preventDefault(); void go(); }}>
            <FormGroup label="New plan name" isRequired fieldId="dup-name">
              <TextInput id="dup-name" value={name} onChange={(_, v) => setName(v)} validated={msg ? 'error' : 'default'} />
              {msg && <FormHelperText><HelperText><HelperTextItem variant="error">{msg}</HelperTextItem></HelperText></FormHelperText>}
            </FormGroup>
          </Form>
          {!msg && <ErrorAlert error={error} />}
        </ModalBody>
        <ModalFooter>
          <Button onClick={go} isDisabled={!name}>Duplicate</Button>
          <Button variant="link" onClick={() => setOpen(false)}>Cancel</Button>
        </ModalFooter>
      </Modal>
    </>
  );
}

/**
 * The plan as YAML, written by a worker (a 1,000-VM plan's status runs to megabytes: seconds of work that would
 * freeze the page). While a running plan changes faster than the worker writes, only its latest version is
 * queued, and the last YAML written stays shown.
 */
function YamlView({ plan }: { plan: Plan }) {
  const [text, setText] = useState<string | null>(null);
  const worker = useRef<{ post: (p: Plan) => void } | null>(null);
  useEffect(() => {
    if (typeof Worker === 'undefined') {
      worker.current = { post: (p) => setText(stringify(p)) };
      return;
    }
    const w = new Worker(new URL('../yamlWorker.ts', import.meta.url), { type: 'module' });
    let busy = false;
    let next: Plan | null = null;
    const post = (p: Plan) => {
      if (busy) {
        next = p;
        return;
      }
      busy = true;
      w.postMessage(p);
    };
    w.onmessage = (e: MessageEvent<string>) => {
      setText(e.data);
      busy = false;
      if (next) {
        const p = next;
        next = null;
        post(p);
      }
    };
    worker.current = { post };
    return () => w.terminate();
  }, []);
  useEffect(() => worker.current?.post(plan), [plan]);
  if (text === null) return <Loading what="the YAML" />;
  return <CodeBlock className="hoist-yaml" {...scrollable('Plan YAML')}><CodeBlockCode>{text}</CodeBlockCode></CodeBlock>;
}

/** A scrolling block of text is a named region reachable with Tab, so keyboard users can scroll it. */
function scrollable(label: string) {
  return { tabIndex: 0, role: 'region', 'aria-label': label } as const;
}
