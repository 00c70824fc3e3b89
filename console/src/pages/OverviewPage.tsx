import { useEffect, useRef, useState } from 'react';
import {
  Card, CardBody, CardTitle, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm,
  Gallery, Label, PageSection, Title,
} from '@patternfly/react-core';
import { useWatch } from '../api/hooks';
import type { Plan, Provider } from '../api/types';
import { ErrorAlert, isTrue, Loading } from '../components/common';
import { ThroughputChart } from '../components/ThroughputChart';
import { bytes, mb, rate } from '../format';
import { Link } from '../router';
import { planProgress, planRate, planState, PlanState, stateColor } from '../planState';

const STATES: PlanState[] = ['Running', 'Ready', 'Not ready', 'Pending', 'Succeeded', 'Failed', 'Canceled', 'Archived'];

export function OverviewPage() {
  const plans = useWatch<Plan>('plans');
  const providers = useWatch<Provider>('providers');
  const [samples, setSamples] = useState<{ t: number; v: number }[]>([]);
  const latest = useRef(0);
  latest.current = plans.items.reduce((s, p) => s + planRate(p), 0);
  useEffect(() => {
    const timer = setInterval(() => {
      setSamples((s) => [...s.slice(-89), { t: Date.now(), v: latest.current }]);
    }, 2000);
    return () => clearInterval(timer);
  }, []);

  const byState = new Map<PlanState, number>();
  plans.items.forEach((p) => byState.set(planState(p), (byState.get(planState(p)) ?? 0) + 1));
  const running = plans.items.filter((p) => planState(p) === 'Running');
  const moved = plans.items.reduce((s, p) => s + planProgress(p).completed, 0);
  const ready = providers.items.filter((p) => isTrue(p.status?.conditions, 'Ready')).length;

  return (
    <>
      <PageSection><Title headingLevel="h1">Overview</Title></PageSection>
      <PageSection>
        <ErrorAlert error={plans.error ?? providers.error} title="Lost the connection to the API; retrying" />
        {!plans.loaded ? <Loading what="plans" /> : (
          <Gallery hasGutter minWidths={{ default: '280px' }}>
            <Card>
              <CardTitle><Title headingLevel="h2" size="lg">Plans by state</Title></CardTitle>
              <CardBody>
                {plans.items.length === 0 ? <p>No plans yet. <Link to="/plans/~new">Create a plan</Link>.</p> : (
                  <DescriptionList isHorizontal isCompact aria-label="Plans by state">
                    {STATES.filter((s) => byState.get(s)).map((s) => (
                      <DescriptionListGroup key={s}>
                        <DescriptionListTerm><Label color={stateColor(s)} isCompact>{s}</Label></DescriptionListTerm>
                        <DescriptionListDescription>{byState.get(s)}</DescriptionListDescription>
                      </DescriptionListGroup>
                    ))}
                  </DescriptionList>
                )}
              </CardBody>
            </Card>
            <Card>
              <CardTitle><Title headingLevel="h2" size="lg">Migrations running</Title></CardTitle>
              <CardBody>
                <p className="pf-v6-u-font-size-2xl" data-testid="running-count">{running.length}</p>
                <ul>{running.map((p) => {
                  const pr = planProgress(p);
                  return <li key={p.metadata.uid ?? p.metadata.name}>
                    <Link to={`/plans/${p.metadata.namespace}/${p.metadata.name}`}>{p.metadata.name}</Link>: {pr.vmsDone}/{pr.vms} VMs, {mb(pr.completed)} of {mb(pr.total)}
                  </li>;
                })}</ul>
              </CardBody>
            </Card>
            <Card>
              <CardTitle><Title headingLevel="h2" size="lg">Data moved and throughput</Title></CardTitle>
              <CardBody>
                <DescriptionList isHorizontal isCompact>
                  <DescriptionListGroup><DescriptionListTerm>Data moved</DescriptionListTerm>
                    <DescriptionListDescription data-testid="data-moved">{bytes(moved * 1_000_000)}</DescriptionListDescription></DescriptionListGroup>
                  <DescriptionListGroup><DescriptionListTerm>Throughput now</DescriptionListTerm>
                    <DescriptionListDescription>{rate(latest.current)}</DescriptionListDescription></DescriptionListGroup>
                </DescriptionList>
                <ThroughputChart samples={samples} />
              </CardBody>
            </Card>
            <Card>
              <CardTitle><Title headingLevel="h2" size="lg">Providers</Title></CardTitle>
              <CardBody>
                {providers.items.length === 0 ? <p>No providers. <Link to="/providers/~new">Add a provider</Link>.</p> : (
                  <>
                    <p>{ready} of {providers.items.length} ready</p>
                    <ul>{providers.items.map((p) => {
                      const ok = isTrue(p.status?.conditions, 'Ready');
                      const why = (p.status?.conditions ?? []).find((c) => c.status === 'True' && c.category === 'Critical');
                      return <li key={p.metadata.uid ?? p.metadata.name}>
                        <Link to={`/providers/${p.metadata.namespace}/${p.metadata.name}`}>{p.metadata.name}</Link>{' '}
                        <Label color={ok ? 'green' : 'red'} isCompact>{ok ? 'Ready' : 'Not ready'}</Label>
                        {why && <span className="hoist-muted"> {why.message}</span>}
                      </li>;
                    })}</ul>
                  </>
                )}
              </CardBody>
            </Card>
          </Gallery>
        )}
      </PageSection>
    </>
  );
}
