import { ReactNode, useState } from 'react';
import {
  Alert, Button, Checkbox, EmptyState, EmptyStateBody, EmptyStateFooter, Label, LabelGroup, Modal, ModalBody, ModalFooter,
  ModalHeader, Spinner, Tooltip,
} from '@patternfly/react-core';
import { Td } from '@patternfly/react-table';
import { ApiError } from '../api/client';
import type { Concern, Condition } from '../api/types';

/** The "condition is True" labels of a resource, colored by category as MTV's console does. */
export function Conditions({ conditions }: { conditions?: Condition[] }) {
  const shown = (conditions ?? []).filter((c) => c.status === 'True');
  if (shown.length === 0) return <span className="hoist-muted">—</span>;
  return (
    <LabelGroup numLabels={4}>
      {shown.map((c) => (
        <Tooltip key={c.type} content={c.message || c.type}>
          <Label color={conditionColor(c)} isCompact tabIndex={0}>{c.type}</Label>
        </Tooltip>
      ))}
    </LabelGroup>
  );
}

export function conditionColor(c: Condition): 'green' | 'red' | 'orange' | 'blue' | 'grey' {
  if (c.type === 'Ready' || c.type === 'Succeeded') return 'green';
  if (c.type === 'Failed' || c.category === 'Critical' || c.category === 'Error') return 'red';
  if (c.category === 'Warn' || c.category === 'Warning' || c.type === 'Canceled') return 'orange';
  if (c.type === 'Executing' || c.type === 'Running') return 'blue';
  return 'grey';
}

export function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

const CONCERN_ORDER = ['Critical', 'Warning', 'Information', 'Advisory'];

export function concernColor(category: string): 'red' | 'orange' | 'blue' {
  return category === 'Critical' ? 'red' : category === 'Warning' ? 'orange' : 'blue';
}

/** One badge per concern category with its count; each concern's label and assessment in the tooltip. */
export function ConcernBadges({ concerns }: { concerns?: Concern[] }) {
  const list = concerns ?? [];
  if (list.length === 0) return <span className="hoist-muted">None</span>;
  const groups = CONCERN_ORDER.map((cat) => [cat, list.filter((c) => c.category === cat)] as const).filter(([, l]) => l.length);
  return (
    <LabelGroup>
      {groups.map(([cat, l]) => (
        <Tooltip key={cat} content={<div>{l.map((c, i) => <div key={i}><b>{c.label}</b>{c.assessment ? ': ' + c.assessment : ''}</div>)}</div>}>
          <Label color={concernColor(cat)} isCompact tabIndex={0} data-concern={cat}>{cat} {l.length}</Label>
        </Tooltip>
      ))}
    </LabelGroup>
  );
}

/** The concern texts in full, for a VM's details. */
export function ConcernList({ concerns }: { concerns?: Concern[] }) {
  if (!concerns?.length) return <span>No concerns.</span>;
  return (
    <ul className="hoist-concerns">
      {[...concerns].sort((a, b) => CONCERN_ORDER.indexOf(a.category) - CONCERN_ORDER.indexOf(b.category)).map((c, i) => (
        <li key={i}><Label color={concernColor(c.category)} isCompact>{c.category}</Label> <b>{c.label}</b>{c.assessment ? ` — ${c.assessment}` : ''}</li>
      ))}
    </ul>
  );
}

export function ErrorAlert({ error, title = 'The request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error as Error;
  const causes = e instanceof ApiError ? e.causes : [];
  return (
    <Alert variant="danger" isInline title={title} role="alert">
      <p>{e.message}</p>
      {causes.length > 0 && <ul>{causes.map((c, i) => <li key={i}><code>{c.field}</code>: {c.message}</li>)}</ul>}
    </Alert>
  );
}

export function Loading({ what }: { what: string }) {
  return <div className="hoist-loading"><Spinner size="lg" aria-label={`Loading ${what}`} /> Loading {what}…</div>;
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState titleText={title} headingLevel="h2">
      {children && <EmptyStateBody>{children}</EmptyStateBody>}
      {action && <EmptyStateFooter>{action}</EmptyStateFooter>}
    </EmptyState>
  );
}

/** A button that asks before doing something that cannot be undone. */
export function ConfirmButton({ label, title, body, onConfirm, variant = 'secondary', danger, isDisabled, confirmLabel }: {
  label: string; title: string; body: ReactNode; onConfirm: () => Promise<unknown>;
  variant?: 'primary' | 'secondary' | 'danger' | 'link'; danger?: boolean; isDisabled?: boolean; confirmLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant={variant} isDanger={danger} isDisabled={isDisabled} onClick={() => setOpen(true)}>{label}</Button>
      <Modal variant="small" isOpen={open} onClose={() => setOpen(false)} aria-labelledby={`confirm-${label}`}>
        <ModalHeader title={title} labelId={`confirm-${label}`} titleIconVariant={danger ? 'warning' : undefined} />
        <ModalBody>{body}<ErrorAlert error={error} /></ModalBody>
        <ModalFooter>
          <Button variant={danger ? 'danger' : 'primary'} onClick={confirm} isLoading={busy} isDisabled={busy}>
            {confirmLabel ?? label}
          </Button>
          <Button variant="link" onClick={() => setOpen(false)}>Cancel</Button>
        </ModalFooter>
      </Modal>
    </>
  );
}

/** Helper text under a form field: the API's message for that field when a 422 named it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(field) : undefined;
}

/**
 * A table row's selection checkbox named after the row ("Select web-01"): PatternFly's own select cell names
 * every checkbox "Select row N", which tells a screen reader user nothing.
 */
export function SelectCell({ id, label, isSelected, isDisabled, onSelect }: {
  id: string; label: string; isSelected: boolean; isDisabled?: boolean; onSelect: (on: boolean) => void;
}) {
  return (
    <Td className="pf-v6-c-table__check">
      <Checkbox id={id} aria-label={label} isChecked={isSelected} isDisabled={isDisabled} onChange={(_, on) => onSelect(on)} />
    </Td>
  );
}
