import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ApiError } from '../api/client';
import { ConcernBadges, ErrorAlert, fieldError } from './common';

describe('concern badges', () => {
  it('counts each category', () => {
    render(<ConcernBadges concerns={[
      { category: 'Critical', label: 'CPU affinity detected' }, { category: 'Warning', label: 'a' },
      { category: 'Warning', label: 'b' }, { category: 'Information', label: 'c' },
    ]} />);
    expect(screen.getByText('Critical 1')).toBeTruthy();
    expect(screen.getByText('Warning 2')).toBeTruthy();
    expect(screen.getByText('Information 1')).toBeTruthy();
  });
  it('says None without concerns', () => {
    render(<ConcernBadges concerns={[]} />);
    expect(screen.getByText('None')).toBeTruthy();
  });
});

describe('API errors', () => {
  const e = new ApiError(422, 'Plan "x" is invalid', 'Invalid', [
    { field: 'metadata.name', message: 'must be a DNS-1123 label' }, { field: 'spec.map.network', message: 'not found' }]);
  it('finds a field\'s message', () => {
    expect(fieldError(e, 'metadata.name')).toBe('must be a DNS-1123 label');
    expect(fieldError(e, 'spec.map.network')).toBe('not found');
    expect(fieldError(e, 'spec.warm')).toBeUndefined();
    expect(fieldError(new Error('x'), 'metadata.name')).toBeUndefined();
  });
  it('lists each field in the alert', () => {
    render(<ErrorAlert error={e} />);
    expect(screen.getByText('metadata.name')).toBeTruthy();
    expect(screen.getByText(/must be a DNS-1123 label/)).toBeTruthy();
  });
});
