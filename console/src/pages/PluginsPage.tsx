import { Label, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api } from '../api/client';
import { usePoll } from '../api/hooks';
import type { PluginInfo } from '../api/types';
import { Empty, ErrorAlert, Loading } from '../components/common';

export default function PluginsPage() {
  const { data, error, loading } = usePoll(() => api.get2<{ items: PluginInfo[]; pluginApiVersion?: string }>('plugins', {}), 0, []);
  return (
    <>
      <PageSection><Title headingLevel="h1">Plugins</Title>
        {data?.pluginApiVersion && <p className="hoist-muted">Plugin API {data.pluginApiVersion}</p>}</PageSection>
      <PageSection>
        <ErrorAlert error={error} title="Cannot list the plugins" />
        {loading && !data ? <Loading what="plugins" /> : data && data.items.length === 0 ? (
          <Empty title="No plugins installed">Put plugin jars in <code>DATA/plugins</code> and restart <code>hoist serve</code>.</Empty>
        ) : (
          <Table aria-label="Installed plugins" variant="compact">
            <Thead><Tr><Th>Plugin</Th><Th>Version</Th><Th>State</Th><Th>Provides</Th><Th>Reason</Th></Tr></Thead>
            <Tbody>
              {(data?.items ?? []).map((p) => (
                <Tr key={p.id}>
                  <Td dataLabel="Plugin"><b>{p.id}</b>{p.description && <div className="hoist-muted">{p.description}</div>}</Td>
                  <Td dataLabel="Version">{p.version}</Td>
                  <Td dataLabel="State"><Label color={p.state === 'STARTED' ? 'green' : p.state === 'FAILED' ? 'red' : 'grey'} isCompact>{p.state}</Label></Td>
                  <Td dataLabel="Provides">{(p.extensions ?? []).map((x) => x.type ? `${x.point} (${x.type})` : x.point).join(', ') || '—'}</Td>
                  <Td dataLabel="Reason">{p.error ?? ''}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
