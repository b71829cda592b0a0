import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface PhaseStats {
  count: number;
  wallMs: number;
  /** CPU time of the whole process (main thread and libuv's pool), user plus system. */
  cpuMs: number;
  /** Longest delay of a 1 ms timer: the longest stretch the event loop could not run anything. */
  eventLoopMaxMs: number;
  eventLoopP99Ms: number;
}

/**
 * Runs `task` over and over from `concurrency` loops until `durationMs` have passed (at least
 * `minCount` times in all), under an event-loop delay histogram (perf_hooks, 1 ms resolution).
 */
export async function timedPhase(
  task: (index: number) => Promise<unknown>,
  options: { durationMs: number; concurrency: number; minCount?: number; maxCount?: number },
): Promise<PhaseStats> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + options.durationMs;
  const minCount = options.minCount ?? 1;
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  let started = 0;
  let count = 0;
  histogram.enable();
  const loop = async () => {
    while (started < maxCount && (performance.now() < deadline || started < minCount)) {
      // Each task starts in an event-loop turn of its own, as a request would: without this a
      // packager that never waits chains every task in one turn and the loop never comes round.
      const index = started++;
      await new Promise<void>((resolve) => setImmediate(resolve));
      await task(index);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const wallMs = performance.now() - start;
  histogram.disable();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    count,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopMaxMs: histogram.max / 1e6,
    eventLoopP99Ms: histogram.percentile(99) / 1e6,
  };
}

/**
 * CPU time of this process's main thread alone (the event loop's), user plus system, in ms; null
 * where there is no /proc. process.cpuUsage() counts every thread (build thread, SQLite's
 * background thread, libuv's pool); Node 20 has no threadCpuUsage(). The kernel counts it in
 * clock ticks (10 ms), plenty over a phase of seconds.
 * @see https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */
export function mainThreadCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  return cpuMsOfStat(stat);
}

/** utime + stime of a /proc `stat` line, in ms. */
function cpuMsOfStat(stat: string): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time so far of every process on this machine whose command is `command` (PostgreSQL's
 * server and its backends are all `postgres`), by process id; null without /proc, or when none
 * runs here (a database on another host). Over a phase, `processesCpuMsSince` adds up what each
 * spent: processes that ended within it are not counted, which for PostgreSQL's are the
 * connections of pools that closed and short-lived workers.
 */
export function processesCpuMs(command: string): Map<number, number> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^[0-9]+$/.test(entry));
  } catch {
    return null;
  }
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // Ended meanwhile.
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
    cpu.set(Number(pid), cpuMsOfStat(stat));
  }
  return cpu.size > 0 ? cpu : null;
}

/** What the processes of `start` (and those started since) spent from `start` to `end`. */
export function processesCpuMsSince(start: Map<number, number> | null, end: Map<number, number> | null): number | null {
  if (start === null || end === null) return null;
  let total = 0;
  for (const [pid, ms] of end) total += ms - (start.get(pid) ?? 0);
  return total;
}

/** Peak resident set size of this process so far, in MB (getrusage reports KiB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * The same event-loop delay histogram over `durationMs` of doing nothing: the control. On a
 * machine where other processes compete for the CPUs it is well above 1 ms, and so is every other
 * delay measured then.
 */
export async function idleEventLoopMaxMs(durationMs: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  histogram.disable();
  return histogram.max / 1e6;
}

/**
 * Operations per second the whole machine could run at the CPU measured per operation, the
 * service's (every thread) and the load generator's together, with every core busy: the most any
 * spreading of the work over threads or processes could reach. A target above it needs less CPU
 * per operation; below it, the rest of the distance is work the one event loop does in turn.
 */
export function cpuCeilingPerSecond(serviceCpuMsPerOperation: number, loadCpuMsPerOperation: number): number {
  return (availableParallelism() * 1000) / (serviceCpuMsPerOperation + loadCpuMsPerOperation);
}

/** A share (0.37) as a percentage ("37%"). */
export function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

/** How often sampleMemory reads the process's memory. */
export const SAMPLE_INTERVAL_MS = 100;

/** Largest RSS, V8 heap (heapTotal) and memory outside it (Buffers: packages, sockets), in MB. */
export interface MemoryPeaks {
  rssMaxMb: number;
  heapMaxMb: number;
  externalMaxMb: number;
}

/**
 * Samples this process's memory every 100 ms from now on; the returned function stops sampling
 * (after one last sample) and gives the largest values seen. Not more often: in a service under
 * load, `process.memoryUsage()` took 250–300 µs of its event loop (CPU profiles of the push storm),
 * 1.4–2% of the event loop at 20 ms. The peak RSS figures come from getrusage, not from these samples.
 */
export function sampleMemory(): () => MemoryPeaks {
  let rss = 0;
  let heap = 0;
  let external = 0;
  const sample = () => {
    const memory = process.memoryUsage();
    rss = Math.max(rss, memory.rss);
    heap = Math.max(heap, memory.heapTotal);
    external = Math.max(external, memory.external);
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_INTERVAL_MS).unref();
  return () => {
    clearInterval(sampler);
    sample();
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return { rssMaxMb: mb(rss), heapMaxMb: mb(heap), externalMaxMb: mb(external) };
  };
}

/** The share of the time since `start` (a performance.eventLoopUtilization() reading) that the event loop was running code. */
export function eventLoopUtilizationSince(start: ReturnType<typeof performance.eventLoopUtilization>): number {
  return performance.eventLoopUtilization(start).utilization;
}
