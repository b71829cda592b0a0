import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OnApplicationShutdown } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import type { SigningMaterial } from '../../../domain/pass-type';
import { PackageInput, PassPackager } from '../../../domain/ports/pass-packager';
import { PkpassAssembly, pkpassAssemblyOf, sha1Hex } from './pkpass-assembly';

/** The compiled build thread next to this file (dist/); absent when this file runs as TypeScript source. */
export const PKPASS_ASSEMBLY_WORKER_FILE = join(__dirname, 'pkpass-assembly.worker.js');

/**
 * A build leaves only short-lived garbage (the schema check's objects, the job's copy and the
 * package's), so a small young generation does: V8's default lets each thread's grow to tens of
 * megabytes.
 */
const BUILD_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

/**
 * How long a thread holding jobs may go without answering one before it is taken for wedged:
 * stopped, its jobs failed, and the next package given to a new thread. A package takes about a
 * millisecond, so even a thousand queued ones answer well within it; a request should fail, not hang.
 */
export const BUILD_THREAD_STALL_MS = 30_000;

export interface PkpassAssemblyJob {
  id: number;
  assembly: PkpassAssembly;
  passTypeId: number;
  /**
   * The pass type's certificates and key, sent to a thread only when they are not what it was last
   * sent for that pass type: about 5 KB of PEM the thread would otherwise receive, and fingerprint
   * to find its signer, for every package.
   */
  material?: SigningMaterial;
}

export interface PkpassAssemblyReply {
  id: number;
  /**
   * The package as a one-byte string (latin1: one character per byte), not bytes. A string is V8
   * heap memory, allocated by the receiving thread and dead in its next scavenge. An ArrayBuffer
   * sent through a MessagePort arrives as external memory: at 1,500 packages a second, V8 answered
   * with a full mark-compact every quarter of a second on the event loop ("external memory
   * pressure" in --trace-gc), pauses of up to 20 ms; transferred instead of copied, it stays memory
   * of the build thread's malloc arena, which glibc hands back to that thread only (the push
   * storm's RSS grew by 150 MB that way). The Buffer made of it on the event loop is an
   * ArrayBuffer of its own all the same; src/v8-settings.ts says how V8 is told to sweep those.
   */
  bytes?: string;
  /** A DomainError keeps its code and details across the thread; anything else its message. */
  error?: { code?: DomainErrorCode; message: string; details?: Record<string, string | number> };
}

interface Pending {
  resolve(bytes: Buffer): void;
  reject(error: Error): void;
}

interface BuildThread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Pass type id → the material last sent to this thread for it. */
  materials: Map<number, SigningMaterial>;
  /** Runs while the thread holds jobs; each answer starts it again (see BUILD_THREAD_STALL_MS). */
  watchdog: NodeJS.Timeout | null;
}

/**
 * NodeCryptoPassPackager's build on worker threads: the event loop reads what a package is made
 * of out of the pass, template and pass type (pkpassAssemblyOf) and hands it over, and a thread
 * does the rest (schema check, manifest, signature, zip). The event loop then spends a small part
 * of what building there would cost it (`npm run bench -- --only packager` prints both per pass),
 * so the Wallet web service and the APIs keep it while passes are signed on another core. The same
 * code builds the same bytes either way.
 *
 * Threads start on the first package and stay; each is referenced only while it has jobs, so an
 * idle one never keeps the process alive. A thread that fails, exits or answers nothing for
 * BUILD_THREAD_STALL_MS fails its jobs, and the next package starts another.
 * `onApplicationShutdown` (after the HTTP server has stopped taking requests) ends them.
 */
export class WorkerThreadPassPackager extends PassPackager implements OnApplicationShutdown {
  private readonly threads: BuildThread[] = [];
  private readonly sharedFiles = new SharedFileCopies();
  private nextJobId = 1;

  constructor(
    private readonly webServiceUrl: string,
    private readonly threadCount: number,
    private readonly workerFile: string = PKPASS_ASSEMBLY_WORKER_FILE,
    private readonly stallMs: number = BUILD_THREAD_STALL_MS,
  ) {
    super();
    if (!Number.isInteger(threadCount) || threadCount < 1) throw new Error(`a worker-thread packager needs at least one thread, not ${threadCount}`);
  }

  /** Whether the build thread's file exists: not when the application runs from TypeScript sources (jest). */
  static canStart(workerFile: string = PKPASS_ASSEMBLY_WORKER_FILE): boolean {
    return existsSync(workerFile);
  }

  async package(input: PackageInput): Promise<Buffer> {
    const assembly = pkpassAssemblyOf(input, this.webServiceUrl);
    Object.assign(assembly, this.sharedFiles.of(assembly.files));
    const thread = this.threadFor();
    const job: PkpassAssemblyJob = { id: this.nextJobId++, assembly, passTypeId: input.passType.id };
    const sent = thread.materials.get(input.passType.id);
    if (sent === undefined || !sameMaterial(sent, input.passType)) {
      job.material = {
        certificatePem: input.passType.certificatePem,
        privateKeyPem: input.passType.privateKeyPem,
        privateKeyPassphrase: input.passType.privateKeyPassphrase,
        wwdrCertificatePem: input.passType.wwdrCertificatePem,
      };
    }
    return new Promise<Buffer>((resolve, reject) => {
      // Structured clone throws before anything reaches the thread: the job fails alone, and the
      // thread is neither waited on for it nor taken to hold its material.
      thread.worker.postMessage(job);
      if (job.material !== undefined) thread.materials.set(job.passTypeId, job.material);
      if (thread.pending.size === 0) {
        thread.worker.ref();
        thread.watchdog = setTimeout(() => this.stopWedged(thread), this.stallMs).unref();
      }
      thread.pending.set(job.id, { resolve, reject });
    });
  }

  /** How many threads are running now, and how many jobs they hold. */
  get threadUsage(): { threads: number; jobs: number } {
    return { threads: this.threads.length, jobs: this.threads.reduce((sum, thread) => sum + thread.pending.size, 0) };
  }

  async onApplicationShutdown(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
    for (const thread of threads) fail(thread, new Error('the package build threads were stopped'));
  }

  /** An idle thread, else a new one while fewer than threadCount run, else the least busy. */
  private threadFor(): BuildThread {
    const idle = this.threads.find((thread) => thread.pending.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.threadCount) return this.startThread();
    return this.threads.reduce((least, thread) => (thread.pending.size < least.pending.size ? thread : least));
  }

  private startThread(): BuildThread {
    const thread: BuildThread = {
      worker: new Worker(this.workerFile, { resourceLimits: BUILD_THREAD_LIMITS }),
      pending: new Map(),
      materials: new Map(),
      watchdog: null,
    };
    thread.worker.unref();
    thread.worker.on('message', (reply: PkpassAssemblyReply) => {
      const pending = thread.pending.get(reply.id);
      if (!pending) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) {
        thread.worker.unref();
        clearTimeout(thread.watchdog ?? undefined);
        thread.watchdog = null;
      } else {
        thread.watchdog?.refresh();
      }
      if (reply.bytes !== undefined) pending.resolve(Buffer.from(reply.bytes, 'latin1'));
      else pending.reject(errorOf(reply.error));
    });
    const stop = (error: Error) => this.retire(thread, error);
    thread.worker.on('error', (error) => stop(new Error(`a package build thread failed: ${error.message}`)));
    thread.worker.on('messageerror', (error) => {
      stop(new Error(`a package build thread's answer could not be read: ${error.message}`));
      void thread.worker.terminate();
    });
    thread.worker.on('exit', (code) => stop(new Error(`a package build thread stopped (exit code ${code})`)));
    this.threads.push(thread);
    return thread;
  }

  private stopWedged(thread: BuildThread): void {
    if (thread.pending.size === 0) return;
    this.retire(thread, new Error(`a package build thread answered nothing for ${this.stallMs} ms and was stopped`));
    void thread.worker.terminate();
  }

  /** No new job goes to the thread, and those it holds fail with `error`. */
  private retire(thread: BuildThread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index !== -1) this.threads.splice(index, 1);
    fail(thread, error);
  }
}

/** Files smaller than this go to the thread as copies: pass.strings, personalization.json. */
const SHARED_FILE_MIN_BYTES = 1024;

/**
 * A template's images in shared memory, made once per image and handed to the build threads by
 * reference, each with its SHA-1 for the manifest, also computed once. Structured clone copies
 * every byte of a plain Uint8Array (and of the whole pooled ArrayBuffer behind a small Buffer) for
 * each package; a SharedArrayBuffer it shares. For the seed's four images that saves the event loop
 * 20-30 µs per pass here, and the hashes the build thread about 25 µs more. Each copy lives as long
 * as the memory of the image it copies, which belongs to a template version the template
 * repository keeps (or to a pass being built), so the memo holds no image alive by itself. Images
 * are never changed in place: a new image is a new Buffer.
 */
class SharedFileCopies {
  private readonly copies = new WeakMap<ArrayBufferLike, Map<string, { bytes: Uint8Array; sha1: string }>>();

  of(files: Record<string, Uint8Array>): { files: Record<string, Uint8Array>; knownSha1: Map<string, string> } {
    const shared: Record<string, Uint8Array> = {};
    const knownSha1 = new Map<string, string>();
    for (const [name, bytes] of Object.entries(files)) {
      if (bytes.byteLength < SHARED_FILE_MIN_BYTES) {
        shared[name] = bytes;
      } else {
        const copy = this.copyOf(bytes);
        shared[name] = copy.bytes;
        knownSha1.set(name, copy.sha1);
      }
    }
    return { files: shared, knownSha1 };
  }

  private copyOf(bytes: Uint8Array): { bytes: Uint8Array; sha1: string } {
    let byRange = this.copies.get(bytes.buffer);
    if (byRange === undefined) {
      byRange = new Map();
      this.copies.set(bytes.buffer, byRange);
    }
    const range = `${bytes.byteOffset}:${bytes.byteLength}`;
    let copy = byRange.get(range);
    if (copy === undefined) {
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
      copy = { bytes: shared, sha1: sha1Hex(shared) };
      byRange.set(range, copy);
    }
    return copy;
  }
}

function sameMaterial(sent: SigningMaterial, current: SigningMaterial): boolean {
  return (
    sent.certificatePem === current.certificatePem &&
    sent.privateKeyPem === current.privateKeyPem &&
    sent.privateKeyPassphrase === current.privateKeyPassphrase &&
    sent.wwdrCertificatePem === current.wwdrCertificatePem
  );
}

function fail(thread: BuildThread, error: Error): void {
  clearTimeout(thread.watchdog ?? undefined);
  thread.watchdog = null;
  for (const pending of thread.pending.values()) pending.reject(error);
  thread.pending.clear();
}

function errorOf(error: PkpassAssemblyReply['error']): Error {
  if (error?.code !== undefined) return new DomainError(error.code, error.message, error.details);
  return new Error(error?.message ?? 'the package build thread answered without a package');
}
