import { fork } from 'node:child_process';
import type { RecordedPush } from '../../test/support/apns-stand-in';

/** Pushes the stand-in answered so far (200, and anything else) and the CPU time its process used so far. */
export interface StandInUsage {
  pushes: number;
  refused: number;
  cpuMs: number;
}

/**
 * The end-to-end tests' local APNs (test/support/apns-stand-in.ts: HTTP/2 over TLS, its own CA)
 * in a child process of its own, so that its CPU time is not the client's; `usage` tells how much
 * it had to do.
 */
export interface StandInProcess {
  host: string;
  port: number;
  caFile: string;
  usage(): Promise<StandInUsage>;
  close(): Promise<void>;
}

/** Argument that makes this file, forked, the stand-in's process. */
const STAND_IN_FLAG = '--apns-stand-in';

type ParentMessage = { type: 'usage' } | { type: 'close' };
type ChildMessage = { type: 'ready'; host: string; port: number; caFile: string } | ({ type: 'usage' } & StandInUsage);

/** What the stand-in answers with something other than 200 (it answers the way APNs does). */
export function refusedByStandIn(push: RecordedPush): boolean {
  return (
    push.method !== 'POST' ||
    push.token === null ||
    push.body.length === 0 ||
    !push.headers['apns-topic'] ||
    !/^[0-9a-fA-F]{64}$/.test(push.token)
  );
}

export function startStandInProcess(): Promise<StandInProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [STAND_IN_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let usageWaiters: Array<(usage: StandInUsage) => void> = [];
    let closing: Promise<void> | null = null;
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`APNs stand-in exited with code ${code} before it was ready`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        resolve({
          host: message.host,
          port: message.port,
          caFile: message.caFile,
          usage: () =>
            new Promise((resolveUsage) => {
              usageWaiters.push(resolveUsage);
              child.send({ type: 'usage' } satisfies ParentMessage);
            }),
          close: () => {
            closing ??= (async () => {
              if (child.connected) child.send({ type: 'close' } satisfies ParentMessage);
              await exited;
            })();
            return closing;
          },
        });
      } else {
        const waiters = usageWaiters;
        usageWaiters = [];
        for (const waiter of waiters) waiter({ pushes: message.pushes, refused: message.refused, cpuMs: message.cpuMs });
      }
    });
  });
}

async function standInProcess(): Promise<void> {
  const { ApnsStandIn } = await import('../../test/support/apns-stand-in');
  const standIn = await ApnsStandIn.start();
  // It records every request: counted here and emptied at each look, so its memory stays flat.
  let accepted = 0;
  let refused = 0;
  const count = () => {
    for (const push of standIn.requests.splice(0)) {
      if (refusedByStandIn(push)) refused += 1;
      else accepted += 1;
    }
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'usage') {
      count();
      const cpu = process.cpuUsage();
      process.send!({ type: 'usage', pushes: accepted, refused, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies ChildMessage);
    } else {
      void standIn.close().then(() => process.exit(0));
    }
  });
  // The parent's end: a benchmark that crashed leaves no stand-in behind.
  process.on('disconnect', () => void standIn.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', host: standIn.host, port: standIn.port, caFile: standIn.caFile } satisfies ChildMessage);
}

if (require.main === module && process.argv[2] === STAND_IN_FLAG) {
  standInProcess().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
