import { anOwner, aStoredPass } from '../../../contracts/fixtures';
import { sqlite, type RepositoryHarness } from '../../../contracts/harness';
import { aRegistration } from '../../../support/builders';

describe('MikroOrmDeviceRegistrationRepository on SQLite', () => {
  let harness: RepositoryHarness;

  beforeEach(async () => {
    harness = await sqlite();
  });

  afterEach(async () => {
    await harness.teardown();
  });

  /** SQLite's plan of each statement `lookUp` sends, one step per line. */
  async function plansOf(lookUp: () => Promise<unknown>): Promise<string[]> {
    const connection = harness.orm!.em.getConnection();
    const execute = jest.spyOn(connection, 'execute');
    let statements: unknown[][];
    try {
      await lookUp();
    } finally {
      statements = [...execute.mock.calls];
      execute.mockRestore();
    }
    const plans: string[] = [];
    for (const [sql, params] of statements) {
      const steps = (await connection.execute(`explain query plan ${String(sql)}`, params as unknown[], 'all')) as Array<{ detail: string }>;
      plans.push(steps.map((step) => step.detail).join('\n'));
    }
    return plans;
  }

  // A plan that starts from the pass type reads every pass of it (passes_pass_type_id_index): a
  // push storm's 10,000 lists took 3 ms each that way, where the device's own registrations are
  // one or a few rows.
  it('answers "what changed?" from the device’s registrations, not from every pass of the pass type', async () => {
    const { repos } = harness;
    const owner = await anOwner(repos);
    const pass = await aStoredPass(repos, owner.template, 'SN-1');
    await aStoredPass(repos, owner.template, 'SN-2');
    await repos.registrations.register(aRegistration('device-a', pass.id));
    const identifier = owner.passType.passTypeIdentifier;

    const plans = await plansOf(async () => {
      await repos.registrations.listChangedPasses('device-a', identifier, null);
      await repos.registrations.listChangedPasses('device-a', identifier, 0);
    });

    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan.split('\n')[0]).toMatch(/^SEARCH r USING .*INDEX .*\(device_library_identifier=\?\)/);
      expect(plan).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
      expect(plan).not.toMatch(/passes_pass_type_id_index/);
    }
  });
});
