import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../../../domain/errors';
import type { SigningMaterial } from '../../../domain/pass-type';
import { CmsManifestSigner } from './cms-signature';
import { assemblePkpass } from './pkpass-assembly';
import type { PkpassAssemblyJob, PkpassAssemblyReply } from './worker-thread-pass.packager';

// A package build thread of WorkerThreadPassPackager: one job per message, one reply per job. It
// signs inline: nothing else waits on this thread.

/**
 * Pass type id → the material last sent for it and the signer made of it once a build needed one.
 * A job carries material only when it changed (WorkerThreadPassPackager), so material received is
 * new and parsed once, with no fingerprint to tell it from the last.
 */
const received = new Map<number, { material: SigningMaterial; signer?: CmsManifestSigner }>();

function signerFor(job: PkpassAssemblyJob): CmsManifestSigner {
  if (job.material !== undefined) received.set(job.passTypeId, { material: job.material });
  const entry = received.get(job.passTypeId);
  if (entry === undefined) throw new Error(`no signing material of pass type ${job.passTypeId} reached this build thread`);
  entry.signer ??= CmsManifestSigner.fromMaterial(entry.material, 'inline');
  return entry.signer;
}

async function build(job: PkpassAssemblyJob): Promise<PkpassAssemblyReply> {
  try {
    const bytes = await assemblePkpass(job.assembly, signerFor(job));
    return { id: job.id, bytes: bytes.toString('latin1') };
  } catch (error) {
    if (isDomainError(error)) return { id: job.id, error: { code: error.code, message: error.message, details: { ...error.details } } };
    return { id: job.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
}

parentPort!.on('message', (job: PkpassAssemblyJob) => {
  void build(job).then((reply) => parentPort!.postMessage(reply));
});
