import { PassPackageStore } from '../../src/adapters/outbound/package-cache/pass-package-store';

/** The package store as maps; counts reads and writes so cache tests can tell which tier answered. */
export class InMemoryPassPackageStore extends PassPackageStore {
  readonly rows = new Map<number, { cacheKey: string; bytes: Buffer }>();
  readonly files = new Map<number, Map<string, Buffer>>();
  reads = 0;
  writes = 0;
  fileReads = 0;

  async find(passId: number, cacheKey: string): Promise<Buffer | null> {
    this.reads += 1;
    const row = this.rows.get(passId);
    return row && row.cacheKey === cacheKey ? Buffer.from(row.bytes) : null;
  }

  async save(passId: number, cacheKey: string, bytes: Buffer): Promise<void> {
    this.writes += 1;
    this.rows.set(passId, { cacheKey, bytes: Buffer.from(bytes) });
  }

  async findFiles(templateId: number, digests: readonly string[]): Promise<Map<string, Buffer>> {
    this.fileReads += 1;
    const stored = this.files.get(templateId) ?? new Map<string, Buffer>();
    const found = new Map<string, Buffer>();
    for (const digest of digests) {
      const bytes = stored.get(digest);
      if (bytes !== undefined) found.set(digest, Buffer.from(bytes));
    }
    return found;
  }

  async saveFiles(templateId: number, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    this.files.set(templateId, new Map([...files].map(([digest, bytes]) => [digest, Buffer.from(bytes)])));
  }
}
