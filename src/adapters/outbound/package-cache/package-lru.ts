/**
 * Signed packages in memory, at most one per pass, least recently used evicted first once their
 * bytes add up to more than `maxBytes` (0 keeps nothing). Buffers are handed out shared: callers
 * only read them.
 */
export class PackageLru {
  /** Map iteration follows insertion order; a hit re-inserts, so the first entry is the coldest. */
  private readonly entries = new Map<number, { cacheKey: string; bytes: Buffer }>();
  private totalBytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(passId: number, cacheKey: string): Buffer | undefined {
    const entry = this.entries.get(passId);
    if (entry === undefined) return undefined;
    this.entries.delete(passId);
    if (entry.cacheKey !== cacheKey) {
      // A package of another version of this pass: it will not be asked for again.
      this.totalBytes -= entry.bytes.length;
      return undefined;
    }
    this.entries.set(passId, entry);
    return entry.bytes;
  }

  set(passId: number, cacheKey: string, bytes: Buffer): void {
    const previous = this.entries.get(passId);
    if (previous !== undefined) {
      this.entries.delete(passId);
      this.totalBytes -= previous.bytes.length;
    }
    if (bytes.length > this.maxBytes) return;
    this.entries.set(passId, { cacheKey, bytes });
    this.totalBytes += bytes.length;
    for (const [coldest, entry] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(coldest);
      this.totalBytes -= entry.bytes.length;
    }
  }
}
