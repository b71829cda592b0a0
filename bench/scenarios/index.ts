import type { Scenario } from '../lib/scenario';
import { packageCacheScenario } from './package-cache';
import { packagerScenario } from './packager';
import { passdockApiScenario } from './passdock-api';

/** Every scenario `npm run bench` runs, in order; `npm run bench -- --only <name>` picks some. */
export const SCENARIOS: Scenario[] = [packagerScenario, packageCacheScenario, passdockApiScenario];
