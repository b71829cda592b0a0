import { Logger, OnModuleDestroy } from '@nestjs/common';
import { PackageInput, PackageVersion, packageVersionOf, PassPackager } from '../../../domain/ports/pass-packager';
import type { PassTemplate } from '../../../domain/pass-template';
import { compactPackage, cutFileDigests, expandPackage, sharedFilesOf, type SharedFile } from './compact-package';
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
 * Memory for the template files that packages in memory and in the store leave out
 * (compactPackage): the seed pass's four images and two certificates are 25 KiB, so 8 MiB holds
 * those of hundreds of templates. A file evicted is read from the store again when a package
 * needs it.
 */
export const FILE_MEMORY_MAX_BYTES = 8 * 1024 * 1024;

/** Templates whose files this process stored, remembered so that each version's are stored once. */
const MAX_REMEMBERED_TEMPLATES = 1_024;

/**
 * Builds each pass version's package once and serves it from cache afterwards: a bounded LRU in
 * memory in front of a store shared by every instance (the database), in front of the real
 * packager. Concurrent requests for the same package in this process wait for one build (a
 * template change makes every device ask for its pass within seconds). Both tiers hold packages
 * without their template's images and its pass type's certificates (compactPackage), which are kept
 * once per template and put back when a package is served; a package whose files are gone counts
 * as never built.
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
  /**
   * Template files by digest alone: a package names only files whose SHA-256 its own template's
   * images or pass type's certificates have, so two templates with the same image may share its
   * bytes here.
   */
  private readonly fileMemory = new PackageLru<string>(FILE_MEMORY_MAX_BYTES);
  /** Template id → its version whose files were stored, and that write. */
  private readonly storedFiles = new Map<number, { version: string; write: Promise<void> }>();
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
    const cached = await this.fromMemory(version, cacheKey);
    if (cached !== null) return cached;
    return this.once(cacheKey, () => this.load(version, cacheKey, input));
  }

  /**
   * From memory, else from the store (kept in memory from then on); null when it was never built
   * and stored. A miss in the store is remembered for the build that usually follows at once (the
   * Wallet web service's GET of a pass version never built), which then does not ask the store
   * again: should another instance store the package in between, it is signed twice, no worse.
   */
  override async findBuilt(version: PackageVersion): Promise<Buffer | null> {
    const cacheKey = packageCacheKey(version, this.options.webServiceUrl);
    const cached = await this.fromMemory(version, cacheKey);
    if (cached !== null) return cached;
    const building = this.building.get(cacheKey);
    if (building !== undefined) return building;
    const stored = await this.fromStoreIntoMemory(version, cacheKey);
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

  private async load(version: PackageVersion, cacheKey: string, input: PackageInput): Promise<Buffer> {
    const stored = this.storeMisses.delete(cacheKey) ? null : await this.fromStoreIntoMemory(version, cacheKey);
    if (stored !== null) return stored;
    const bytes = await this.packager.package(input);
    const files = sharedFilesOf(input);
    for (const file of files) this.rememberFile(file.digest, file.bytes);
    const compact = compactPackage(bytes, files);
    this.memory.set(version.passId, cacheKey, compact);
    this.toStore(version.passId, cacheKey, compact, compact === bytes ? null : { template: input.template, files });
    return bytes;
  }

  private async fromMemory(version: PackageVersion, cacheKey: string): Promise<Buffer | null> {
    const compact = this.memory.get(version.passId, cacheKey);
    return compact === undefined ? null : this.expand(version, compact);
  }

  private async fromStoreIntoMemory(version: PackageVersion, cacheKey: string): Promise<Buffer | null> {
    if (this.store === null) return null;
    try {
      const compact = await this.store.find(version.passId, cacheKey);
      const stored = compact === null ? null : await this.expand(version, compact);
      if (stored !== null) this.memory.set(version.passId, cacheKey, compact!);
      return stored;
    } catch (error) {
      this.logger.warn(`Stored package of pass ${version.passId} could not be read, building it: ${(error as Error).message}`);
      return null;
    }
  }

  /** The whole package, its template's files read from the store when memory lacks them; null when they are gone. */
  private async expand(version: PackageVersion, compact: Buffer): Promise<Buffer | null> {
    const fromMemory = expandPackage(compact, (digest) => this.fileMemory.get(digest, ''));
    if (fromMemory !== null || this.store === null) return fromMemory;
    const files = new Map<string, Uint8Array>();
    const missing: string[] = [];
    for (const digest of cutFileDigests(compact)) {
      const bytes = this.fileMemory.get(digest, '');
      if (bytes === undefined) missing.push(digest);
      else files.set(digest, bytes);
    }
    if (missing.length === 0) return null;
    let found: Map<string, Buffer>;
    try {
      found = await this.store.findFiles(version.templateId, missing);
    } catch (error) {
      this.logger.warn(`Stored files of template ${version.templateId} could not be read, building the package: ${(error as Error).message}`);
      return null;
    }
    for (const [digest, bytes] of found) {
      this.rememberFile(digest, bytes);
      files.set(digest, bytes);
    }
    return expandPackage(compact, (digest) => files.get(digest));
  }

  private rememberFile(digest: string, bytes: Uint8Array): void {
    if (this.fileMemory.get(digest, '') !== undefined) return;
    // A copy, so that the memory kept is the file's own and not a larger buffer it is a view of.
    this.fileMemory.set(digest, '', Buffer.from(bytes));
  }

  /**
   * Stores the package after its template's files, which a compact package needs back; those are
   * stored once per template version by this process (a write that failed is tried again).
   */
  private toStore(passId: number, cacheKey: string, bytes: Buffer, cut: { template: PassTemplate; files: SharedFile[] } | null): void {
    if (this.store === null) return;
    const store = this.store;
    if (this.writes.size >= MAX_PENDING_WRITES) {
      this.skippedWrites += 1;
      return;
    }
    const filesStored = cut === null ? Promise.resolve() : this.storeFiles(cut.template, cut.files);
    const write = filesStored.then(() => store.save(passId, cacheKey, bytes)).then(
      () => undefined,
      (error: unknown) => {
        // Also when the pass was deleted meanwhile (its row is gone, so is the foreign key's target).
        this.logger.warn(`Package of pass ${passId} could not be stored: ${(error as Error).message}`);
      },
    );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private storeFiles(template: PassTemplate, files: readonly SharedFile[]): Promise<void> {
    const version = `${template.updatedAt.getTime()}:${files.map((file) => file.digest).join(',')}`;
    const stored = this.storedFiles.get(template.id);
    if (stored !== undefined && stored.version === version) return stored.write;
    const write = this.store!.saveFiles(template.id, new Map(files.map((file) => [file.digest, file.bytes])));
    this.storedFiles.delete(template.id);
    if (this.storedFiles.size >= MAX_REMEMBERED_TEMPLATES) this.storedFiles.delete(this.storedFiles.keys().next().value!);
    this.storedFiles.set(template.id, { version, write });
    write.catch(() => {
      if (this.storedFiles.get(template.id)?.write === write) this.storedFiles.delete(template.id);
    });
    return write;
  }
}
