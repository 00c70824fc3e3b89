import { useMemo, useState } from 'react';
import {
  Alert, Button, Checkbox, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Form,
  FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter,
  ModalHeader, PageSection, Radio, SearchInput, TextInput, Title, Wizard, WizardStep,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api } from '../api/client';
import { usePoll, useWatch } from '../api/hooks';
import type { Hook, InventoryItem, NetworkMap, Plan, Provider } from '../api/types';
import { ConcernBadges, ErrorAlert, fieldError, isTrue, Loading, SelectCell } from '../components/common';
import { bytes } from '../format';
import { listInventory } from '../inventory';
import { navigate } from '../router';
import { vmDiskTotal } from './ProvidersPage';

/** Source provider → VMs (concerns visible) → network map → storage map → options → review → create. */
export default function PlanWizard() {
  const providers = useWatch<Provider>('providers');
  const netmaps = useWatch<NetworkMap>('networkmaps');
  const stormaps = useWatch<NetworkMap>('storagemaps');
  const hooks = useWatch<Hook>('hooks');
  const [name, setName] = useState('');
  const [ns, setNs] = useState('default');
  const [source, setSource] = useState('');
  const [dest, setDest] = useState('');
  const [selected, setSelected] = useState<Map<string, InventoryItem>>(new Map());
  const [warnFor, setWarnFor] = useState<InventoryItem | null>(null);
  const [search, setSearch] = useState('');
  const [netmap, setNetmap] = useState('');
  const [stormap, setStormap] = useState('');
  const [targetNs, setTargetNs] = useState('');
  const [warm, setWarm] = useState(false);
  const [power, setPower] = useState('');
  const [staticIps, setStaticIps] = useState(true);
  const [skipConversion, setSkipConversion] = useState(false);
  const [preHook, setPreHook] = useState('');
  const [postHook, setPostHook] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const inNs = (p: { metadata: { namespace?: string } }) => p.metadata.namespace === ns;
  const sources = providers.items.filter((p) => inNs(p) && p.spec?.type !== 'openshift');
  const dests = providers.items.filter((p) => inNs(p) && p.spec?.type === 'openshift');
  const srcProvider = sources.find((p) => p.metadata.name === source);
  const vms = usePoll(srcProvider ? () => listInventory(srcProvider, 'vms') : null, 15_000, [srcProvider?.metadata.uid]);
  const fits = (m: NetworkMap) => inNs(m) && m.spec?.provider?.source?.name === source && m.spec?.provider?.destination?.name === dest;
  const nets = netmaps.items.filter(fits);
  const stors = stormaps.items.filter(fits);
  const shown = useMemo(() => (vms.data ?? []).filter((v) => !search || v.name.toLowerCase().includes(search.toLowerCase())), [vms.data, search]);

  const critical = (vm: InventoryItem) => (vm.concerns ?? []).filter((c) => c.category === 'Critical');
  const toggle = (vm: InventoryItem, on: boolean) => {
    if (on && critical(vm).length > 0 && !selected.has(vm.id)) {
      setWarnFor(vm); // a VM with critical concerns is only added after the user confirms
      return;
    }
    const next = new Map(selected);
    if (on) next.set(vm.id, vm);
    else next.delete(vm.id);
    setSelected(next);
  };

  const plan = (): Plan => {
    const hooksFor = [
      ...(preHook ? [{ hook: { name: preHook, namespace: ns }, step: 'PreHook' }] : []),
      ...(postHook ? [{ hook: { name: postHook, namespace: ns }, step: 'PostHook' }] : []),
    ];
    return {
      metadata: { name, namespace: ns },
      spec: {
        warm, targetNamespace: targetNs || undefined, preserveStaticIPs: staticIps,
        ...(skipConversion ? { skipGuestConversion: true } : {}),
        ...(power ? { targetPowerState: power } : {}),
        provider: { source: { name: source, namespace: ns }, destination: { name: dest, namespace: ns } },
        map: { network: { name: netmap, namespace: ns }, storage: { name: stormap, namespace: ns } },
        vms: [...selected.values()].map((vm) => ({ id: vm.id, name: vm.name, ...(hooksFor.length ? { hooks: hooksFor } : {}) })),
      },
    };
  };
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.create('plans', ns, plan());
      navigate(`/plans/${ns}/${name}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const help = (f: string, text?: string) => {
    const m = fieldError(error, f);
    return (m || text) ? <FormHelperText><HelperText><HelperTextItem variant={m ? 'error' : 'default'}>{m ?? text}</HelperTextItem></HelperText></FormHelperText> : null;
  };
  if (!providers.loaded) return <Loading what="providers" />;

  return (
    <>
      <PageSection><Title headingLevel="h1">Create migration plan</Title></PageSection>
      <PageSection isFilled type="wizard" aria-label="Create plan wizard">
        <Wizard onClose={() => navigate('/plans')} height={640} title="Create migration plan">
          <WizardStep name="Source provider" id="step-source" footer={{ isNextDisabled: !name || !source || !dest }}>
            <Form>
              <FormGroup label="Plan name" isRequired fieldId="plan-name">
                <TextInput id="plan-name" value={name} onChange={(_, v) => setName(v)} isRequired validated={fieldError(error, 'metadata.name') ? 'error' : 'default'} />
                {help('metadata.name', 'Lower-case letters, digits and -')}
              </FormGroup>
              <FormGroup label="Namespace" isRequired fieldId="plan-namespace">
                <TextInput id="plan-namespace" value={ns} onChange={(_, v) => { setNs(v); setSource(''); setDest(''); }} />
              </FormGroup>
              <FormGroup label="Source provider" isRequired fieldId="plan-source">
                <FormSelect id="plan-source" value={source} onChange={(_, v) => { setSource(v); setSelected(new Map()); setNetmap(''); setStormap(''); }}>
                  <FormSelectOption value="" label="Select a source provider" isPlaceholder />
                  {sources.map((p) => <FormSelectOption key={p.metadata.name} value={p.metadata.name}
                                                        label={`${p.metadata.name} (${p.spec?.type})${isTrue(p.status?.conditions, 'Ready') ? '' : ' — not ready'}`} />)}
                </FormSelect>
                {help('spec.provider.source')}
              </FormGroup>
              <FormGroup label="Destination provider" isRequired fieldId="plan-destination">
                <FormSelect id="plan-destination" value={dest} onChange={(_, v) => setDest(v)}>
                  <FormSelectOption value="" label="Select a destination provider" isPlaceholder />
                  {dests.map((p) => <FormSelectOption key={p.metadata.name} value={p.metadata.name} label={p.metadata.name} />)}
                </FormSelect>
                {help('spec.provider.destination')}
              </FormGroup>
            </Form>
          </WizardStep>
          <WizardStep name="Virtual machines" id="step-vms" footer={{ isNextDisabled: selected.size === 0 }}>
            <SearchInput placeholder="Search VMs by name" value={search} onChange={(_, v) => setSearch(v)} onClear={() => setSearch('')} aria-label="Search VMs" />
            <p>{selected.size} selected</p>
            <ErrorAlert error={vms.error} title="Cannot read the source inventory" />
            {vms.loading && !vms.data ? <Loading what="VMs" /> : (
              <Table aria-label="Source VMs" variant="compact">
                <Thead><Tr><Th screenReaderText="Select" /><Th>Name</Th><Th>Power</Th><Th>Disks</Th><Th>Concerns</Th></Tr></Thead>
                <Tbody>
                  {shown.map((vm, i) => (
                    <Tr key={vm.id} data-vm={vm.name}>
                      <SelectCell id={`select-vm-${i}`} label={`Select ${vm.name}`} isSelected={selected.has(vm.id)} onSelect={(on) => toggle(vm, on)} />
                      <Td dataLabel="Name">{vm.name}</Td>
                      <Td dataLabel="Power">{vm.powerState ?? '—'}</Td>
                      <Td dataLabel="Disks">{(vm.disks ?? []).length} ({bytes(vmDiskTotal(vm))})</Td>
                      <Td dataLabel="Concerns"><ConcernBadges concerns={vm.concerns} /></Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
            {help('spec.vms')}
          </WizardStep>
          <WizardStep name="Network map" id="step-network" footer={{ isNextDisabled: !netmap }}>
            <MapChoice kind="network" maps={nets} value={netmap} onChange={setNetmap} />
            {help('spec.map.network')}
          </WizardStep>
          <WizardStep name="Storage map" id="step-storage" footer={{ isNextDisabled: !stormap }}>
            <MapChoice kind="storage" maps={stors} value={stormap} onChange={setStormap} />
            {help('spec.map.storage')}
          </WizardStep>
          <WizardStep name="Options" id="step-options">
            <Form>
              <FormGroup label="Target namespace" fieldId="plan-target-namespace">
                <TextInput id="plan-target-namespace" value={targetNs} onChange={(_, v) => setTargetNs(v)} placeholder={ns} />
                {help('spec.targetNamespace', 'Where the migrated VMs are created; the plan\'s namespace when empty')}
              </FormGroup>
              <FormGroup label="Migration type" role="radiogroup" isInline fieldId="plan-type">
                <Radio id="plan-cold" name="plan-type" label="Cold (the VM is off while its disks are copied)" isChecked={!warm} onChange={() => setWarm(false)} />
                <Radio id="plan-warm" name="plan-type" label="Warm (copy while running, cut over later)" isChecked={warm} onChange={() => setWarm(true)} />
                {help('spec.warm')}
              </FormGroup>
              <FormGroup label="Target power state" fieldId="plan-power">
                <FormSelect id="plan-power" value={power} onChange={(_, v) => setPower(v)}>
                  <FormSelectOption value="" label="As the source VM was" />
                  <FormSelectOption value="on" label="Powered on" />
                  <FormSelectOption value="off" label="Powered off" />
                </FormSelect>
                {help('spec.targetPowerState')}
              </FormGroup>
              <FormGroup fieldId="plan-static-ips">
                <Checkbox id="plan-static-ips" label="Preserve static IPs" isChecked={staticIps} onChange={(_, c) => setStaticIps(c)} />
              </FormGroup>
              <FormGroup fieldId="plan-skip-conversion">
                <Checkbox id="plan-skip-conversion" label="Skip guest conversion" isChecked={skipConversion}
                          onChange={(_, c) => setSkipConversion(c)}
                          description="Copy the disks as they are, without virt-v2v: for disks with no operating system, or guests already prepared for KubeVirt" />
                {help('spec.skipGuestConversion')}
              </FormGroup>
              <FormGroup label="Pre-migration hook" fieldId="plan-prehook">
                <FormSelect id="plan-prehook" value={preHook} onChange={(_, v) => setPreHook(v)}>
                  <FormSelectOption value="" label="None" />
                  {hooks.items.filter(inNs).map((h) => <FormSelectOption key={h.metadata.name} value={h.metadata.name} label={h.metadata.name} />)}
                </FormSelect>
              </FormGroup>
              <FormGroup label="Post-migration hook" fieldId="plan-posthook">
                <FormSelect id="plan-posthook" value={postHook} onChange={(_, v) => setPostHook(v)}>
                  <FormSelectOption value="" label="None" />
                  {hooks.items.filter(inNs).map((h) => <FormSelectOption key={h.metadata.name} value={h.metadata.name} label={h.metadata.name} />)}
                </FormSelect>
              </FormGroup>
            </Form>
          </WizardStep>
          <WizardStep name="Review" id="step-review" footer={{ nextButtonText: 'Create plan', onNext: create, isNextDisabled: busy }}>
            {error !== null && <ErrorAlert error={error} title="The plan was not created" />}
            <DescriptionList isHorizontal aria-label="Plan review">
              {([
                ['Name', `${ns}/${name}`], ['Source → destination', `${source} → ${dest}`],
                ['VMs', [...selected.values()].map((v) => v.name).join(', ')], ['Network map', netmap], ['Storage map', stormap],
                ['Target namespace', targetNs || ns], ['Type', warm ? 'Warm' : 'Cold'], ['Target power state', power || 'as the source'],
                ['Preserve static IPs', staticIps ? 'Yes' : 'No'], ['Guest conversion', skipConversion ? 'Skipped' : 'Yes'],
                ['Hooks', [preHook && `pre: ${preHook}`, postHook && `post: ${postHook}`].filter(Boolean).join(', ') || 'None'],
              ] as const).map(([k, v]) => (
                <DescriptionListGroup key={k}><DescriptionListTerm>{k}</DescriptionListTerm><DescriptionListDescription>{v}</DescriptionListDescription></DescriptionListGroup>
              ))}
            </DescriptionList>
          </WizardStep>
        </Wizard>
      </PageSection>
      <Modal variant="small" isOpen={warnFor !== null} onClose={() => setWarnFor(null)} aria-labelledby="critical-title">
        <ModalHeader title={`${warnFor?.name ?? ''} has critical concerns`} labelId="critical-title" titleIconVariant="danger" />
        <ModalBody>
          <p>Migrating this VM is likely to fail or to give a guest that does not work:</p>
          <ul>{(warnFor ? critical(warnFor) : []).map((c, i) => <li key={i}><b>{c.label}</b>{c.assessment ? `: ${c.assessment}` : ''}</li>)}</ul>
          <p>The plan will not be ready while it includes this VM.</p>
        </ModalBody>
        <ModalFooter>
          <Button variant="danger" onClick={() => { const vm = warnFor!; setWarnFor(null); setSelected(new Map(selected).set(vm.id, vm)); }}>Select anyway</Button>
          <Button variant="link" onClick={() => setWarnFor(null)}>Do not select</Button>
        </ModalFooter>
      </Modal>
    </>
  );
}

function MapChoice({ kind, maps, value, onChange }: { kind: string; maps: NetworkMap[]; value: string; onChange: (v: string) => void }) {
  if (maps.length === 0) {
    return <Alert variant="info" isInline title={`No ${kind} map joins these providers`}>
      Create one under {kind === 'network' ? 'Network maps' : 'Storage maps'} (the wizard keeps its place in this tab if you open it in another).
    </Alert>;
  }
  return (
    <Form>
      <FormGroup label={`${kind[0].toUpperCase()}${kind.slice(1)} map`} isRequired fieldId={`plan-${kind}-map`}>
        <FormSelect id={`plan-${kind}-map`} value={value} onChange={(_, v) => onChange(v)}>
          <FormSelectOption value="" label={`Select a ${kind} map`} isPlaceholder />
          {maps.map((m) => <FormSelectOption key={m.metadata.name} value={m.metadata.name} label={m.metadata.name} />)}
        </FormSelect>
      </FormGroup>
    </Form>
  );
}
