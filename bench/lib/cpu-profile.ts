import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/**
 * BENCH_CPU_PROF=<folder>: a V8 CPU profile of this process's main thread for one phase of a case,
 * written as `<folder>/<name>.cpuprofile` (open it in Chrome DevTools or speedscope). Unset: no
 * profiler runs and the returned stop function does nothing. Phases are profiled apart, unlike
 * `node --cpu-prof`, which profiles a process from start to end (seeding and start-up included).
 */
export function startCpuProfile(name: string): () => Promise<void> {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder) return () => Promise.resolve();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const started = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
    .then(() => post('Profiler.start'));
  return async () => {
    await started;
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}
