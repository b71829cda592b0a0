/**
 * Where signed packages outlive the process: one package per pass, under the cache key it was
 * built for (see packageCacheKey). An adapter-side port: the domain never asks for it, the
 * CachingPassPackager does.
 */
export abstract class PassPackageStore {
  /** The stored package of the pass if it was built for `cacheKey`; null otherwise. */
  abstract find(passId: number, cacheKey: string): Promise<Buffer | null>;
  /**
   * Keeps `bytes` as the pass's package, replacing the one of an older version. Several instances
   * may store the same pass at once: the last write wins and none of them fails.
   */
  abstract save(passId: number, cacheKey: string, bytes: Buffer): Promise<void>;
}
