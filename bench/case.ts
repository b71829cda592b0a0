import { readFileSync } from 'node:fs';
import { applyServiceV8Flags } from '../src/v8-settings';
import { peakRssMb } from './lib/probes';
import type { BenchContext, CaseResult } from './lib/scenario';
import { SCENARIOS } from './scenarios';

// The service's process settings (src/main.ts) for every case, passgate's and the baselines' alike.
applyServiceV8Flags();

/**
 * One case of one scenario, in a process of its own (forked by run.ts): `node case.js <scenario>
 * <case> <context.json>`. Sends its CaseResult to the parent and exits.
 */
async function main(): Promise<void> {
  const [scenarioName, caseName, contextFile] = process.argv.slice(2);
  const scenario = SCENARIOS.find((candidate) => candidate.name === scenarioName);
  if (!scenario || !scenario.cases.includes(caseName)) throw new Error(`No case ${scenarioName}/${caseName}`);
  const context = JSON.parse(readFileSync(contextFile, 'utf8')) as BenchContext;
  const metrics = await scenario.run(caseName, context);
  const result: CaseResult = { metrics, peakRssMb: peakRssMb() };
  await new Promise<void>((resolve, reject) => process.send!(result, (error: Error | null) => (error ? reject(error) : resolve())));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
