import { PassPackageStore } from '../../src/adapters/outbound/package-cache/pass-package-store';

/** The package store as a map; counts reads and writes so cache tests can tell which tier answered. */
export class InMemoryPassPackageStore extends PassPackageStore {
  readonly rows = new Map<number, { cacheKey: string; bytes: Buffer }>();
  reads = 0;
  writes = 0;

  async find(passId: number, cacheKey: string): Promise<Buffer | null> {
    this.reads += 1;
    const row = this.rows.get(passId);
    return row && row.cacheKey === cacheKey ? Buffer.from(row.bytes) : null;
  }

  async save(passId: number, cacheKey: string, bytes: Buffer): Promise<void> {
    this.writes += 1;
    this.rows.set(passId, { cacheKey, bytes: Buffer.from(bytes) });
  }
}
