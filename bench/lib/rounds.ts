import type { CaseResult } from './scenario';

/**
 * Rounds of a scenario's cases, `fast#n` and `stock#n` (or the kinds given), run alternating: a
 * shared or virtual machine's speed drifts by tens of per cent within a minute, so a rate or a cost
 * is the median of the rounds and the spread goes in the notes. A figure that is a maximum (the
 * longest event-loop block, peak RSS) is the largest over all the rounds instead: a limit on the
 * worst moment is met only if every round's worst moment meets it.
 */
export function caseNames(rounds: number, kinds: readonly string[] = ['fast', 'stock']): string[] {
  return Array.from({ length: rounds }, (_, index) => kinds.map((kind) => `${kind}#${index + 1}`)).flat();
}

export function kindOf(caseName: string): string {
  return caseName.split('#')[0];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value at `fraction` (0.99 for p99) of values sorted in ascending order; 0 for none. */
export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/**
 * The results of each kind's rounds, in round order; the median of a metric over them, and the
 * largest (`maxOf`, `peakRssOf`) for the figures that are a maximum.
 */
export function roundsOf(results: Record<string, CaseResult>) {
  const ofKind = (kind: string) =>
    Object.entries(results)
      .filter(([caseName]) => kindOf(caseName) === kind)
      .map(([, result]) => result);
  const fastRounds = ofKind('fast');
  const stockRounds = ofKind('stock');
  const of = (list: CaseResult[], metric: string) => median(list.map((result) => result.metrics[metric]));
  return {
    fastRounds,
    stockRounds,
    fast: (metric: string) => of(fastRounds, metric),
    stock: (metric: string) => of(stockRounds, metric),
    roundsOfKind: ofKind,
    medianOf: (kind: string, metric: string) => of(ofKind(kind), metric),
    /** The largest value of a metric over every round of a kind (a round's own maximum, such as eventLoopMaxMs). */
    maxOf: (kind: string, metric: string) => Math.max(...ofKind(kind).map((result) => result.metrics[metric])),
    /** The peak RSS over every round of a kind: the highest any of its processes reached. */
    peakRssOf: (kind: string) => Math.max(...ofKind(kind).map((result) => result.peakRssMb)),
  };
}
