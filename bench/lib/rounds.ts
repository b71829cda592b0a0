import type { CaseResult } from './scenario';

/**
 * Rounds of a scenario's cases, `fast#n` and `stock#n` (or the kinds given), run alternating: a
 * shared or virtual machine's speed drifts by tens of per cent within a minute, so each figure is
 * the median of the rounds and the spread goes in the notes.
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

/** The results of each kind's rounds, in round order, and the median of a metric over them. */
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
  };
}
