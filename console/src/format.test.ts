import { describe, expect, it } from 'vitest';
import { bytes, duration, mb } from './format';

describe('sizes in binary units', () => {
  it('uses KiB, MiB, GiB', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1,023 B');
    expect(bytes(1536)).toBe('1.50 KiB');
    expect(bytes(256 * 1024 * 1024)).toBe('256 MiB');
    expect(bytes(5 * 1024 ** 4)).toBe('5.00 TiB');
  });
  it('shows the engine\'s MB (10^6) in binary units', () => {
    expect(mb(1024)).toBe('977 MiB');
  });
  it('says nothing for missing values', () => {
    expect(bytes(undefined)).toBe('—');
    expect(duration(-1)).toBe('—');
    expect(duration(3725)).toBe('1 h 2 min');
  });
});
