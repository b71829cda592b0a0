import { MikroOrmPassPackageStore } from '../../../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import { BatchedLookup, batchedOnPostgreSql, batchedWritesOnPostgreSql, type Lookups, type Writes } from '../../../../src/adapters/outbound/persistence/batched-lookup';
import { anOwner, aStoredPass } from '../../../contracts/fixtures';
import { postgres, sqlite, type RepositoryHarness } from '../../../contracts/harness';
import { aRegistration } from '../../../support/builders';

/** Doubles each key; records every call; `refuse` makes a key fail (alone and in any batch holding it). */
function recordingLookups(refuse: ReadonlySet<number> = new Set()): Lookups<number, number> & { calls: Array<number | number[]> } {
  const calls: Array<number | number[]> = [];
  return {
    calls,
    one: async (key) => {
      calls.push(key);
      if (refuse.has(key)) throw new Error(`refused ${key}`);
      return key * 2;
    },
    many: async (keys) => {
      calls.push([...keys]);
      if (keys.some((key) => refuse.has(key))) throw new Error('refused the batch');
      return keys.map((key) => key * 2);
    },
  };
}

/** `recordingLookups` as writes: the same calls recorded, the same rows refused. */
function recordingWrites(refuse: ReadonlySet<number> = new Set()): Writes<number> & { calls: Array<number | number[]> } {
  const lookups = recordingLookups(refuse);
  return {
    calls: lookups.calls,
    one: async (row) => {
      await lookups.one(row);
    },
    many: async (rows) => {
      await lookups.many(rows);
    },
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BatchedLookup', () => {
  it('asks for the keys of one turn of the event loop in one batch, and gives each caller its own answer', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100);

    const answers = await Promise.all([3, 1, 2, 1].map((key) => lookup.find(key)));

    expect(answers).toEqual([6, 2, 4, 2]);
    expect(lookups.calls).toEqual([[3, 1, 2, 1]]);
  });

  it('asks again in a later turn: nothing is cached', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100);

    await Promise.all([lookup.find(1), lookup.find(2)]);
    await Promise.all([lookup.find(1), lookup.find(2)]);

    expect(lookups.calls).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('asks for a key that is alone in its turn with the single lookup', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100);

    expect(await lookup.find(5)).toBe(10);
    expect(lookups.calls).toEqual([5]);
  });

  it('splits a turn into batches of at most the given size', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => false, 2);

    expect(await Promise.all([1, 2, 3, 4, 5].map((key) => lookup.find(key)))).toEqual([2, 4, 6, 8, 10]);
    expect(lookups.calls).toEqual([[1, 2], [3, 4], 5]);
  });

  it('asks key by key while lookups must run alone', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => true, 100);

    expect(await Promise.all([1, 2].map((key) => lookup.find(key)))).toEqual([2, 4]);
    expect(lookups.calls).toEqual([1, 2]);
  });

  it('asks again key by key when a batch fails, so only the key that fails alone fails its caller', async () => {
    const lookups = recordingLookups(new Set([2]));
    const lookup = new BatchedLookup(lookups, () => false, 100);

    const results = await Promise.allSettled([1, 2, 3].map((key) => lookup.find(key)));

    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(lookups.calls).toEqual([[1, 2, 3], 1, 2, 3]);
  });
});

describe('BatchedLookup asking again after a failed batch', () => {
  /** Each key's lookup takes a turn of the event loop; `events` shows which overlapped. */
  function slowLookups(): Lookups<number, number> & { events: string[] } {
    const events: string[] = [];
    return {
      events,
      one: async (key) => {
        events.push(`start ${key}`);
        await nextTurn();
        events.push(`end ${key}`);
        return key;
      },
      many: async () => {
        throw new Error('refused the batch');
      },
    };
  }

  it('asks for every key at once', async () => {
    const lookups = slowLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100);

    expect(await Promise.all([1, 2].map((key) => lookup.find(key)))).toEqual([1, 2]);
    expect(lookups.events).toEqual(['start 1', 'start 2', 'end 1', 'end 2']);
  });

  it('asks key after key, in the order asked, when told to (writes)', async () => {
    const lookups = slowLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100, { retryInOrder: true });

    expect(await Promise.all([1, 2].map((key) => lookup.find(key)))).toEqual([1, 2]);
    expect(lookups.events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});

describe('BatchedLookup collecting for a while', () => {
  it('asks for the keys of several turns within that while in one batch', async () => {
    const lookups = recordingLookups();
    const lookup = new BatchedLookup(lookups, () => false, 100, { collectForMs: 50 });

    const first = lookup.find(1);
    await nextTurn();
    await nextTurn();
    const second = lookup.find(2);

    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(lookups.calls).toEqual([[1, 2]]);
  });
});

describe('batchedOnPostgreSql', () => {
  const postgresUrl = process.env.TEST_DATABASE_URL;
  const databases: Array<[string, (() => Promise<RepositoryHarness>) | null, boolean]> = [
    ['SQLite', sqlite, false],
    ['PostgreSQL', postgresUrl ? postgres(postgresUrl) : null, true],
  ];

  describe.each(databases)('on %s', (_name, setup, batches) => {
    const run = setup ? it : it.skip;
    let harness: RepositoryHarness;

    beforeEach(async () => {
      if (setup) harness = await setup();
    });

    afterEach(async () => {
      if (setup) await harness.teardown();
    });

    run(batches ? 'sends the lookups of one turn as one batch' : 'sends each lookup alone: SQLite answers in the process', async () => {
      const lookups = recordingLookups();
      const lookup = batchedOnPostgreSql(harness.orm!, lookups, 100);

      await Promise.all([1, 2, 3].map((key) => lookup.find(key)));

      expect(lookups.calls).toEqual(batches ? [[1, 2, 3]] : [1, 2, 3]);
    });

    run(batches ? 'writes the rows of a while as one batch' : 'writes each row alone', async () => {
      const writes = recordingWrites();
      const write = batchedWritesOnPostgreSql(harness.orm!, writes, 100, 50);

      const first = write(1);
      await nextTurn();
      await Promise.all([first, write(2)]);

      expect(writes.calls).toEqual(batches ? [[1, 2]] : [1, 2]);
    });

    run('writes again row by row when a batch fails, so only the row that fails alone fails its caller', async () => {
      const writes = recordingWrites(new Set([2]));
      const write = batchedWritesOnPostgreSql(harness.orm!, writes, 100, 1);

      const results = await Promise.allSettled([1, 2, 3].map((row) => write(row)));

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(writes.calls).toEqual(batches ? [[1, 2, 3], 1, 2, 3] : [1, 2, 3]);
    });

    run('sends each lookup alone inside a transaction, whose own writes it must see', async () => {
      const lookups = recordingLookups();
      const lookup = batchedOnPostgreSql(harness.orm!, lookups, 100);

      await harness.repos.unitOfWork.atomically(() => Promise.all([1, 2].map((key) => lookup.find(key))));

      expect(lookups.calls).toEqual([1, 2]);
    });
  });

  const onPostgres = postgresUrl ? describe : describe.skip;

  onPostgres('the adapters that batch, on PostgreSQL', () => {
    let harness: RepositoryHarness;

    beforeEach(async () => {
      harness = await postgres(postgresUrl!)();
    });

    afterEach(async () => {
      await harness.teardown();
    });

    /** Statements sent while `lookUp` runs: one when its lookups went as a batch (a failed batch asks again key by key). */
    async function statementsFor(lookUp: () => Promise<unknown>): Promise<number> {
      const execute = jest.spyOn(harness.orm!.em.getConnection(), 'execute');
      try {
        await lookUp();
        return execute.mock.calls.length;
      } finally {
        execute.mockRestore();
      }
    }

    it('send the lookups of one turn as one statement each', async () => {
      const { repos } = harness;
      const owner = await anOwner(repos);
      const passes = [await aStoredPass(repos, owner.template, 'SN-1'), await aStoredPass(repos, owner.template, 'SN-2')];
      for (const pass of passes) await repos.registrations.register(aRegistration('device-a', pass.id));
      const store = new MikroOrmPassPackageStore(harness.orm!);
      await store.save(passes[0].id, 'key-1', Buffer.from('package'));
      const identifier = owner.passType.passTypeIdentifier;
      const keyId = owner.account.apiKeys[0].keyId;
      const serials = ['SN-1', 'SN-2', 'SN-none'];
      // Hydrated once: later finds read only the template's version.
      await repos.templates.findById(owner.template.id);

      const counts = {
        walletPasses: await statementsFor(() => Promise.all(serials.map((serial) => repos.walletPasses.find(identifier, serial)))),
        passTypes: await statementsFor(() => Promise.all([identifier, identifier, 'pass.none'].map((key) => repos.passTypes.findByIdentifier(key)))),
        passes: await statementsFor(() => Promise.all(serials.map((serial) => repos.passes.findForWallet(owner.passType.id, serial)))),
        templates: await statementsFor(() => Promise.all([owner.template.id, owner.template.id + 1].map((id) => repos.templates.findById(id)))),
        lists: await statementsFor(() =>
          Promise.all([null, 0, null].map((after, index) => repos.registrations.listChangedPasses(['device-a', 'device-a', 'device-b'][index], [identifier, identifier, 'pass.none'][index], after))),
        ),
        packages: await statementsFor(() => Promise.all(passes.map((pass) => store.find(pass.id, 'key-1')))),
        storedPackages: await statementsFor(() => Promise.all(passes.map((pass) => store.save(pass.id, 'key-2', Buffer.from('package 2'))))),
        passTypesById: await statementsFor(() => Promise.all([owner.passType.id, owner.passType.id + 1].map((id) => repos.passTypes.findById(id)))),
        accountPasses: await statementsFor(() => Promise.all(passes.map((pass) => repos.passes.findForAccount(owner.account.id, pass.id)))),
        passesBySerial: await statementsFor(() => Promise.all(serials.map((serial) => repos.passes.findBySerialNumber(owner.passType.id, serial)))),
        accountTemplates: await statementsFor(() =>
          Promise.all([owner.account.id, owner.account.id + 1].map((accountId) => repos.templates.findForAccount(accountId, owner.template.id))),
        ),
        // The account, then its keys: two batches.
        accounts: await statementsFor(() => Promise.all([keyId, keyId, 'no-such-key'].map((key) => repos.accounts.findByApiKeyId(key)))),
      };

      expect(counts).toEqual({
        walletPasses: 1,
        passTypes: 1,
        passes: 1,
        templates: 1,
        lists: 1,
        packages: 1,
        storedPackages: 1,
        passTypesById: 1,
        accountPasses: 1,
        passesBySerial: 1,
        accountTemplates: 1,
        accounts: 2,
      });
    });
  });
});
