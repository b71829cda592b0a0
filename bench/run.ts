import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDevelopmentCa, issueSignerCertificate } from '../src/adapters/outbound/signing/certs-directory';
import type { BenchContext, CaseResult, Figure } from './lib/scenario';
import { BENCH_PASS_TYPE_IDENTIFIER, BENCH_TEAM_IDENTIFIER } from './lib/seed-pass';
import { SCENARIOS } from './scenarios';

/**
 * `npm run bench [-- --quick] [-- --only packager,package-cache]`: runs every scenario's cases,
 * each in a process of its own, prints one table and writes bench/results/latest.json. PostgreSQL
 * when DATABASE_URL is a postgres:// URL, else embedded SQLite files in a temporary folder.
 *
 * latest.json keeps the latest results of each scenario on each database, so that a SQLite run and
 * a PostgreSQL run of the same scenarios both stay (scenarios not run this time, or run on the other
 * database, keep their previous results):
 *
 *   { updatedAt,
 *     databases: {
 *       "SQLite (embedded)": { updatedAt, scenarios: { [name]: ScenarioResults } },
 *       "PostgreSQL": { updatedAt, scenarios: { [name]: ScenarioResults } } } }
 *
 * ScenarioResults is { title, at, quick, machine, load, cases, figures }: each case's raw metrics
 * and peak RSS (rounds included, as `fast#1`, `stock#1` …) and the figures of the printed table.
 * A scenario that uses no database (packager) is stored under the database of the run all the same.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : null;
  const scenarios = SCENARIOS.filter((scenario) => only === null || only.includes(scenario.name));
  if (scenarios.length === 0) throw new Error(`No scenario named ${only?.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const workDir = mkdtempSync(join(tmpdir(), 'passgate-bench-'));
  try {
    const ca = await createDevelopmentCa({ commonName: 'passgate Bench CA' });
    const signer = await issueSignerCertificate(ca, { passTypeIdentifier: BENCH_PASS_TYPE_IDENTIFIER, teamIdentifier: BENCH_TEAM_IDENTIFIER });
    const databaseUrl = process.env.DATABASE_URL ?? '';
    const context: BenchContext = {
      quick,
      durationMs: quick ? 1000 : 8000,
      workDir,
      material: {
        certificatePem: signer.certificatePem,
        privateKeyPem: signer.privateKeyPem,
        privateKeyPassphrase: null,
        wwdrCertificatePem: ca.certificatePem,
      },
      caPem: ca.certificatePem,
      postgresUrl: /^postgres(ql)?:\/\//.test(databaseUrl) ? databaseUrl : null,
    };
    const contextFile = join(workDir, 'context.json');
    writeFileSync(contextFile, JSON.stringify(context), { mode: 0o600 });

    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      database: context.postgresUrl === null ? 'SQLite (embedded)' : 'PostgreSQL',
    };
    console.log(`passgate bench${quick ? ' (quick)' : ''}: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.database}`);
    const loadBefore = loadavg()[0];

    const results: Record<string, ScenarioResults> = {};
    const rows: Array<{ scenario: string } & Figure> = [];
    for (const scenario of scenarios) {
      const cases: Record<string, CaseResult> = {};
      for (const caseName of scenario.cases) {
        process.stdout.write(`  ${scenario.name}/${caseName} … `);
        cases[caseName] = await runCase(scenario.name, caseName, contextFile);
        console.log(`done (peak RSS ${cases[caseName].peakRssMb.toFixed(0)} MB)`);
      }
      const figures = scenario.figures(cases, context);
      rows.push(...figures.map((figure) => ({ scenario: scenario.title, ...figure })));
      const load = { before: loadBefore, after: loadavg()[0] };
      results[scenario.name] = { title: scenario.title, at: new Date().toISOString(), quick, machine, load, cases, figures };
    }

    printTable(rows);
    const loadAfter = loadavg()[0];
    console.log(`\nLoad average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${machine.cpus} CPUs.`);
    if (Math.max(loadBefore, loadAfter) > 0.5 * machine.cpus) {
      // CPU time per pass holds up under load; event-loop delays do not: a process that waits for a
      // CPU shows the wait as delay, however little its own code blocks.
      console.log('Other processes were using the CPUs: event-loop delays include time spent waiting for one.');
    }
    // Compiled to bench/dist/bench/run.js: the results folder is bench/results.
    const resultsDir = join(__dirname, '..', '..', 'results');
    const latestFile = join(resultsDir, 'latest.json');
    mkdirSync(resultsDir, { recursive: true });
    const previous = existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, 'utf8')) as Partial<LatestFile>) : {};
    const databases = { ...(previous.databases ?? {}) };
    const updatedAt = new Date().toISOString();
    databases[machine.database] = { updatedAt, scenarios: { ...(databases[machine.database]?.scenarios ?? {}), ...results } };
    const latest: LatestFile = { updatedAt, databases };
    writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`);
    console.log(`\nWritten to bench/results/latest.json (${machine.database})`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** One scenario's results in latest.json (see the comment on main). */
interface ScenarioResults {
  title: string;
  at: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; database: string };
  load: { before: number; after: number };
  cases: Record<string, CaseResult>;
  figures: Figure[];
}

/** bench/results/latest.json (a file written before results were kept per database is started afresh). */
interface LatestFile {
  updatedAt: string;
  databases: Record<string, { updatedAt: string; scenarios: Record<string, ScenarioResults> }>;
}

function runCase(scenario: string, caseName: string, contextFile: string): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'case.js'), [scenario, caseName, contextFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: CaseResult | undefined;
    child.on('message', (message) => {
      result = message as CaseResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${scenario}/${caseName} exited with code ${code}`));
    });
  });
}

function printTable(rows: Array<{ scenario: string } & Figure>): void {
  const format = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
  const table = rows.map((row) => ({
    figure: row.figure,
    passgate: `${format(row.value)} ${row.unit}`,
    baseline: row.baseline ? `${format(row.baseline.value)} ${row.unit}` : '—',
    target: row.target ? `${row.target.text} ${row.target.met ? '✔ met' : '✘ not met'}` : '—',
  }));
  const columns = ['figure', 'passgate', 'baseline', 'target'] as const;
  const widths = columns.map((column) => Math.max(column.length, ...table.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
  let scenario = '';
  console.log('');
  for (const [index, row] of table.entries()) {
    if (rows[index].scenario !== scenario) {
      scenario = rows[index].scenario;
      console.log(`\n${scenario}`);
      console.log(line(columns));
      console.log(line(widths.map((width) => '-'.repeat(width))));
    }
    console.log(line(columns.map((column) => row[column])));
    if (rows[index].note) console.log(`|   ${rows[index].note}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
