import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag the service's process runs with (main.ts sets it first thing, and `npm run bench`
 * in each case's process).
 *
 * Young ArrayBuffers are swept on one of V8's background threads by default. Every package a
 * build thread hands back becomes one (a 28 KiB Buffer of the seed pass, 1,800 a second), and
 * while the event loop and the build thread keep both of this machine's cores busy, that sweep
 * can fall behind for good: in 9 of 37 runs of the packager's build-thread case, the packages'
 * ArrayBuffers piled up to 66 MB (process.memoryUsage().arrayBuffers, against 10.5 MB otherwise),
 * and V8 answered with a mark-compact on the event loop every 200 ms for the rest of the run:
 * event-loop blocks of 15-42 ms instead of about 5, 50 MB more RSS, a tenth fewer passes. Swept
 * in the scavenge that finds them dead instead, they never did, in 35 runs (bench/HISTORY.md).
 * Set at start-up rather than on the command line so that `node dist/main.js` gets it too, and a
 * Node whose V8 no longer knows the flag starts anyway (V8 prints that it does not know it);
 * the test of this file says when that happens.
 * @see https://nodejs.org/api/v8.html#v8setflagsfromstringflags
 */
export const SERVICE_V8_FLAGS = ['--no-concurrent-array-buffer-sweeping'] as const;

export function applyServiceV8Flags(): void {
  for (const flag of SERVICE_V8_FLAGS) setFlagsFromString(flag);
}
