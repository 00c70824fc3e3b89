import { Button, Label, PageSection, Progress, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useWatch } from '../api/hooks';
import type { Plan } from '../api/types';
import { Empty, ErrorAlert, Loading } from '../components/common';
import { mb } from '../format';
import { Link, navigate } from '../router';
import { planProgress, planState, stateColor } from '../planState';

export default function PlansPage() {
  const plans = useWatch<Plan>('plans');
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Plans</Title>
        <Toolbar><ToolbarContent><ToolbarItem>
          <Button onClick={() => navigate('/plans/~new')}>Create plan</Button>
        </ToolbarItem></ToolbarContent></Toolbar>
      </PageSection>
      <PageSection>
        <ErrorAlert error={plans.error} title="Lost the connection to the API; retrying" />
        {!plans.loaded ? <Loading what="plans" /> : plans.items.length === 0 ? (
          <Empty title="No plans" action={<Button onClick={() => navigate('/plans/~new')}>Create plan</Button>}>
            A plan names the VMs to migrate, the maps to use and where they go.
          </Empty>
        ) : (
          <Table aria-label="Plans" variant="compact">
            <Thead><Tr><Th>Name</Th><Th>Namespace</Th><Th>Source → destination</Th><Th>VMs</Th><Th>Type</Th><Th>State</Th><Th>Progress</Th></Tr></Thead>
            <Tbody>
              {plans.items.map((p) => {
                const s = planState(p);
                const pr = planProgress(p);
                const pct = pr.total ? Math.round((pr.completed / pr.total) * 100) : (s === 'Succeeded' ? 100 : 0);
                return (
                  <Tr key={p.metadata.uid ?? p.metadata.name} data-plan={p.metadata.name}>
                    <Td dataLabel="Name"><Link to={`/plans/${p.metadata.namespace}/${p.metadata.name}`}>{p.metadata.name}</Link></Td>
                    <Td dataLabel="Namespace">{p.metadata.namespace}</Td>
                    <Td dataLabel="Providers">{p.spec?.provider?.source?.name} → {p.spec?.provider?.destination?.name}</Td>
                    <Td dataLabel="VMs">{p.spec?.vms?.length ?? 0}</Td>
                    <Td dataLabel="Type">{p.spec?.warm ? 'Warm' : 'Cold'}</Td>
                    <Td dataLabel="State"><Label color={stateColor(s)} isCompact data-state={s}>{s}</Label></Td>
                    <Td dataLabel="Progress">
                      {pr.vms > 0 ? <Progress value={pct} size="sm" aria-label={`Plan ${p.metadata.name} progress`}
                                               title={`${pr.vmsDone}/${pr.vms} VMs, ${mb(pr.completed)} of ${mb(pr.total)}`} /> : '—'}
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
