import { Logger, OnModuleDestroy } from '@nestjs/common';
import { PackageInput, PackageVersion, packageVersionOf, PassPackager } from '../../../domain/ports/pass-packager';
import { packageCacheKey } from './package-cache-key';
import { PackageLru } from './package-lru';
import type { PassPackageStore } from './pass-package-store';

export interface PackageCacheOptions {
  /** Memory bound of the in-process tier (PACKAGE_CACHE_MAX_BYTES); 0 keeps nothing in memory. */
  maxBytes: number;
  /** pass.json's webServiceURL, part of what a package is built from. */
  webServiceUrl: string;
}

/**
 * Stores of new packages that may be under way at once, waiting or running; more are left out
 * (see below). On SQLite the writes wait to travel to the background thread together
 * (BATCH_WINDOW_MS in sqlite-background-thread.ts), and at 64 a storm left some out whenever that
 * thread's checkpoint held them up. On PostgreSQL they wait to go as one statement
 * (COLLECT_WRITES_MS in mikro-orm-pass-package.store.ts), and at 128 three of thirteen storms
 * measured that way left 4, 11 and 17 of their 10,000 out. 256 packages of 28 KiB are 7 MiB, most
 * of them also held by the memory tier.
 */
export const MAX_PENDING_WRITES = 256;

/** Cache keys that findBuilt just missed in the store, remembered for the build that follows. */
const MAX_REMEMBERED_MISSES = 1_024;

/**
 * Builds each pass version's package once and serves it from cache afterwards: a bounded LRU in
 * memory in front of a store shared by every instance (the database), in front of the real
 * packager. Concurrent requests for the same package in this process wait for one build (a
 * template change makes every device ask for its pass within seconds).
 *
 * The store is a cache, not a record. A new package is served as soon as it is signed and
 * written to the store in the background, so a device does not wait for a database commit; at
 * most MAX_PENDING_WRITES writes wait or run at once, and a package that finds them all busy (a
 * storm the database cannot keep up with) stays in memory only: another instance, or this one
 * after a restart, signs it again. When the store cannot be read or written the package is built or
 * served anyway and the failure logged.
 */
export class CachingPassPackager extends PassPackager implements OnModuleDestroy {
  private readonly logger = new Logger('PackageCache');
  private readonly memory: PackageLru;
  private readonly building = new Map<string, Promise<Buffer>>();
  private readonly writes = new Set<Promise<void>>();
  /** See findBuilt; oldest first (a Set keeps insertion order). */
  private readonly storeMisses = new Set<string>();
  private skippedWrites = 0;

  constructor(
    private readonly packager: PassPackager,
    readonly store: PassPackageStore | null,
    private readonly options: PackageCacheOptions,
  ) {
    super();
    this.memory = new PackageLru(options.maxBytes);
  }

  /** Packages and bytes held in memory now. */
  get memoryUsage(): { packages: number; bytes: number; maxBytes: number } {
    return { packages: this.memory.size, bytes: this.memory.bytes, maxBytes: this.memory.maxBytes };
  }

  /** Writes to the store under way now, and new packages not written because too many were. */
  get storeWrites(): { pending: number; skipped: number } {
    return { pending: this.writes.size, skipped: this.skippedWrites };
  }

  /** Resolves once the writes under way have ended (stored or failed and logged). */
  async whenStored(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  /** The writes under way finish before the database connection closes (it closes at shutdown, after this). */
  async onModuleDestroy(): Promise<void> {
    await this.whenStored();
  }

  async package(input: PackageInput): Promise<Buffer> {
    // A pass not stored yet has no id to key it by.
    if (typeof input.pass.id !== 'number') return this.packager.package(input);
    const version = packageVersionOf(input);
    const cacheKey = packageCacheKey(version, this.options.webServiceUrl);
    const cached = this.memory.get(version.passId, cacheKey);
    if (cached !== undefined) return cached;
    return this.once(cacheKey, () => this.load(version.passId, cacheKey, input));
  }

  /**
   * From memory, else from the store (kept in memory from then on); null when it was never built
   * and stored. A miss in the store is remembered for the build that usually follows at once (the
   * Wallet web service's GET of a pass version never built), which then does not ask the store
   * again: should another instance store the package in between, it is signed twice, no worse.
   */
  override async findBuilt(version: PackageVersion): Promise<Buffer | null> {
    const cacheKey = packageCacheKey(version, this.options.webServiceUrl);
    const cached = this.memory.get(version.passId, cacheKey);
    if (cached !== undefined) return cached;
    const building = this.building.get(cacheKey);
    if (building !== undefined) return building;
    const stored = await this.fromStoreIntoMemory(version.passId, cacheKey);
    if (stored === null && this.store !== null) this.rememberStoreMiss(cacheKey);
    return stored;
  }

  private rememberStoreMiss(cacheKey: string): void {
    this.storeMisses.delete(cacheKey);
    if (this.storeMisses.size >= MAX_REMEMBERED_MISSES) this.storeMisses.delete(this.storeMisses.values().next().value!);
    this.storeMisses.add(cacheKey);
  }

  /** Concurrent requests for one package in this process share one build. */
  private once(cacheKey: string, build: () => Promise<Buffer>): Promise<Buffer> {
    let pending = this.building.get(cacheKey);
    if (pending === undefined) {
      pending = build().finally(() => this.building.delete(cacheKey));
      this.building.set(cacheKey, pending);
    }
    return pending;
  }

  private async load(passId: number, cacheKey: string, input: PackageInput): Promise<Buffer> {
    const stored = this.storeMisses.delete(cacheKey) ? null : await this.fromStoreIntoMemory(passId, cacheKey);
    if (stored !== null) return stored;
    const bytes = await this.packager.package(input);
    this.memory.set(passId, cacheKey, bytes);
    this.toStore(passId, cacheKey, bytes);
    return bytes;
  }

  private async fromStoreIntoMemory(passId: number, cacheKey: string): Promise<Buffer | null> {
    const stored = await this.fromStore(passId, cacheKey);
    if (stored !== null) this.memory.set(passId, cacheKey, stored);
    return stored;
  }

  private async fromStore(passId: number, cacheKey: string): Promise<Buffer | null> {
    if (this.store === null) return null;
    try {
      return await this.store.find(passId, cacheKey);
    } catch (error) {
      this.logger.warn(`Stored package of pass ${passId} could not be read, building it: ${(error as Error).message}`);
      return null;
    }
  }

  private toStore(passId: number, cacheKey: string, bytes: Buffer): void {
    if (this.store === null) return;
    if (this.writes.size >= MAX_PENDING_WRITES) {
      this.skippedWrites += 1;
      return;
    }
    const write = this.store.save(passId, cacheKey, bytes).then(
      () => undefined,
      (error: unknown) => {
        // Also when the pass was deleted meanwhile (its row is gone, so is the foreign key's target).
        this.logger.warn(`Package of pass ${passId} could not be stored: ${(error as Error).message}`);
      },
    );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }
}
