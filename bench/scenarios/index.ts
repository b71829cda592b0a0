import type { Scenario } from '../lib/scenario';
import { apnsFanoutScenario } from './apns-fanout';
import { packageCacheScenario } from './package-cache';
import { packagerScenario } from './packager';
import { passdockApiScenario } from './passdock-api';
import { pushLatencyScenario } from './push-latency';
import { pushStormScenario } from './push-storm';

/** Every scenario `npm run bench` runs, in order; `npm run bench -- --only <name>` picks some. */
export const SCENARIOS: Scenario[] = [packagerScenario, packageCacheScenario, passdockApiScenario, pushStormScenario, apnsFanoutScenario, pushLatencyScenario];
