import type { SigningMaterial } from '../../src/domain/pass-type';

/** What every case of every scenario gets, prepared once by the runner. */
export interface BenchContext {
  /** `--quick`: shorter runs, for checking that the benchmark works rather than for numbers. */
  quick: boolean;
  /** How long each timed phase runs. */
  durationMs: number;
  /** A temporary folder of this run (SQLite files and the like). */
  workDir: string;
  /** A development CA and a signer it issued: the same material for every case. */
  material: SigningMaterial;
  /** The CA file `openssl smime -verify` and passgate's verifier trust. */
  caPem: string;
  /** `postgres://…` from DATABASE_URL, else null for a fresh embedded SQLite file. */
  postgresUrl: string | null;
}

/** Raw numbers one case measured in its own process. */
export type Metrics = Record<string, number>;

export interface CaseResult {
  metrics: Metrics;
  /** Peak resident set size of the case's process (getrusage maxrss). */
  peakRssMb: number;
}

/** One line of the printed table and of latest.json. */
export interface Figure {
  figure: string;
  unit: string;
  value: number;
  baseline?: { label: string; value: number };
  target?: { text: string; met: boolean };
  note?: string;
}

/**
 * A benchmark scenario. Each case runs in a process of its own (`run`, in that process), so its
 * peak RSS and event-loop figures are its own; `figures` turns the cases' numbers into table lines.
 * Each scenario is a file of bench/scenarios, listed in scenarios/index.ts.
 */
export interface Scenario {
  name: string;
  title: string;
  cases: string[];
  run(caseName: string, context: BenchContext): Promise<Metrics>;
  figures(results: Record<string, CaseResult>, context: BenchContext): Figure[];
}
