import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../../../domain/errors';
import { assemblePkpass, ManifestSignerCache } from './pkpass-assembly';
import type { PkpassAssemblyJob, PkpassAssemblyReply } from './worker-thread-pass.packager';

/**
 * A package build thread of WorkerThreadPassPackager: one job per message, one reply per job. It
 * signs inline: nothing else waits on this thread.
 */
const signers = new ManifestSignerCache('inline');

async function build(job: PkpassAssemblyJob): Promise<PkpassAssemblyReply> {
  try {
    const bytes = await assemblePkpass(job.assembly, signers.signerFor(job.passTypeId, job.material));
    return { id: job.id, bytes: bytes.toString('latin1') };
  } catch (error) {
    if (isDomainError(error)) return { id: job.id, error: { code: error.code, message: error.message, details: { ...error.details } } };
    return { id: job.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
}

parentPort!.on('message', (job: PkpassAssemblyJob) => {
  void build(job).then((reply) => parentPort!.postMessage(reply));
});
