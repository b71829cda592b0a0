/**
 * Signed packages in memory, at most one per pass (or one file per key), least recently used
 * evicted first once their bytes add up to more than `maxBytes` (0 keeps nothing). Buffers are
 * handed out shared: callers only read them.
 */
export class PackageLru<Key extends number | string = number> {
  /** Map iteration follows insertion order; a hit re-inserts, so the first entry is the coldest. */
  private readonly entries = new Map<Key, { cacheKey: string; bytes: Buffer }>();
  private totalBytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: Key, cacheKey: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.cacheKey !== cacheKey) {
      // A package of another version of this pass: it will not be asked for again.
      this.totalBytes -= entry.bytes.length;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.bytes;
  }

  set(key: Key, cacheKey: string, bytes: Buffer): void {
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.totalBytes -= previous.bytes.length;
    }
    if (bytes.length > this.maxBytes) return;
    this.entries.set(key, { cacheKey, bytes });
    this.totalBytes += bytes.length;
    for (const [coldest, entry] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(coldest);
      this.totalBytes -= entry.bytes.length;
    }
  }
}
