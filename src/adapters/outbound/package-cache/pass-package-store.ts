/**
 * Where signed packages outlive the process: one package per pass, under the cache key it was
 * built for (see packageCacheKey), and the template files that packages leave out (see
 * compactPackage). An adapter-side port: the domain never asks for it, the CachingPassPackager does.
 */
export abstract class PassPackageStore {
  /** The stored package of the pass if it was built for `cacheKey`; null otherwise. */
  abstract find(passId: number, cacheKey: string): Promise<Buffer | null>;
  /**
   * Keeps `bytes` as the pass's package, replacing the one of an older version. Several instances
   * may store the same pass at once: the last write wins and none of them fails.
   */
  abstract save(passId: number, cacheKey: string, bytes: Buffer): Promise<void>;
  /** Those of the template's files stored under the given digests, by digest; the others are left out. */
  abstract findFiles(templateId: number, digests: readonly string[]): Promise<Map<string, Buffer>>;
  /**
   * Keeps `files` (by digest) as the template's files and forgets its others, which only packages
   * of its earlier versions used. Instances storing the files of one version at once all succeed.
   */
  abstract saveFiles(templateId: number, files: ReadonlyMap<string, Uint8Array>): Promise<void>;
}
