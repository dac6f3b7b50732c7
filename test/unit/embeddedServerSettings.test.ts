import { describe, expect, it } from 'vitest';
import { embeddedServerArgs, embeddedServerSettings } from '../../pipeline/export/embeddedServerSettings.js';

const GiB = 2 ** 30;

describe('embedded Postgres settings', () => {
  it('shared buffers are 1/16 of the memory, between 128 MB and 1 GB', () => {
    expect(embeddedServerSettings(1 * GiB).shared_buffers).toBe('128MB');
    expect(embeddedServerSettings(8 * GiB).shared_buffers).toBe('512MB');
    expect(embeddedServerSettings(24 * GiB).shared_buffers).toBe('1024MB');
    expect(embeddedServerSettings(256 * GiB).shared_buffers).toBe('1024MB');
  });

  it('are passed as -c flags', () => {
    expect(embeddedServerArgs(24 * GiB)).toEqual(['-c', 'shared_buffers=1024MB', '-c', 'wal_buffers=64MB', '-c', 'max_wal_size=4GB']);
  });
});
