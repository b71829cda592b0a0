import type { Pass } from '../../src/domain/pass';
import type { PushJob } from '../../src/domain/push';
import { aRegistration } from '../support/builders';
import { anOwner, aStoredPass, aStoredTemplate, type Owner } from './fixtures';
import type { HarnessSetup, RepositoryHarness, Repositories } from './harness';

const T = new Date('2026-04-01T10:00:00.000Z');
const LEASE_MS = 60_000;

function at(offsetMs: number): Date {
  return new Date(T.getTime() + offsetMs);
}

/** What a claim hands out, by device: the order of jobs due at the same instant is not pinned. */
function byDevice(jobs: PushJob[]): Array<Omit<PushJob, 'id'>> {
  return jobs
    .map(({ id: _id, ...job }) => job)
    .sort((a, b) => (a.deviceLibraryIdentifier < b.deviceLibraryIdentifier ? -1 : 1));
}

export function pushJobRepositoryContract(name: string, setup: HarnessSetup): void {
  /** Rolling back is the databases' part: the fake's unit of work runs the work as it is. */
  const databaseOnly = name.startsWith('MikroORM') ? it : it.skip;

  describe(`PushJobRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;
    let owner: Owner;
    let other: Owner;
    let passes: Pass[];
    let otherPass: Pass;

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
      owner = await anOwner(repos);
      other = await anOwner(repos, 'Other');
      passes = [];
      for (const serial of ['SN-1', 'SN-2', 'SN-3']) passes.push(await aStoredPass(repos, owner.template, serial));
      otherPass = await aStoredPass(repos, other.template, 'SN-OTHER');
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    async function register(device: string, pass: Pass, token = `token-${device}`): Promise<void> {
      await repos.registrations.register(aRegistration(device, pass.id, token, T));
    }

    it('enqueues one waiting push per device and pass type for the devices of the passes, and counts them', async () => {
      await register('device-a', passes[0]);
      await register('device-a', passes[1]);
      await register('device-b', passes[0]);
      await register('device-c', passes[2]);
      await register('device-d', otherPass);

      expect(await repos.pushJobs.enqueueForPasses([passes[0].id, passes[1].id], T)).toBe(2);
      expect(await repos.pushJobs.countPending()).toBe(2);
      expect(await repos.pushJobs.enqueueForPasses([], T)).toBe(0);
      expect(await repos.pushJobs.enqueueForPasses([987_654], T)).toBe(0);

      const claimed = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(byDevice(claimed)).toEqual([
        { deviceLibraryIdentifier: 'device-a', passTypeId: owner.passType.id, pushToken: 'token-device-a', attempts: 0 },
        { deviceLibraryIdentifier: 'device-b', passTypeId: owner.passType.id, pushToken: 'token-device-b', attempts: 0 },
      ]);
      expect(new Set(claimed.map((job) => job.id)).size).toBe(2);
      for (const job of claimed) expect(typeof job.id).toBe('number');
    });

    it('collapses: a device with a push waiting for the pass type gets no second one, whichever of its passes changed', async () => {
      await register('device-a', passes[0]);
      await register('device-a', passes[1]);
      await register('device-a', otherPass);

      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], T)).toBe(1);
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], at(1_000))).toBe(0);
      expect(await repos.pushJobs.enqueueForPasses([passes[1].id], at(2_000))).toBe(0);
      expect(await repos.pushJobs.enqueueForTemplate(owner.template.id, at(3_000))).toBe(0);
      expect(await repos.pushJobs.countPending()).toBe(1);

      // Another pass type on the same device is another push.
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id, otherPass.id], at(4_000))).toBe(1);
      expect(await repos.pushJobs.countPending()).toBe(2);

      const claimed = await repos.pushJobs.claim(10, at(5_000), LEASE_MS);
      expect(claimed.map((job) => job.passTypeId).sort((a, b) => a - b)).toEqual(
        [owner.passType.id, other.passType.id].sort((a, b) => a - b),
      );
      expect(claimed.every((job) => job.deviceLibraryIdentifier === 'device-a')).toBe(true);
    });

    it('enqueues for a template every device of its live passes, none of a deleted or voided pass or another template', async () => {
      const otherTemplate = await aStoredTemplate(repos, owner, { title: 'Other template' });
      const elsewhere = await aStoredPass(repos, otherTemplate, 'SN-ELSEWHERE');
      await register('device-a', passes[0]);
      await register('device-b', passes[1]);
      await register('device-c', passes[2]);
      await register('device-d', elsewhere);
      await register('device-e', otherPass);
      const deleted = (await repos.passes.findById(passes[2].id))!;
      deleted.delete(at(-1_000));
      await repos.passes.save(deleted);
      // A voided pass's last version told Wallet to stop following it.
      const voided = await aStoredPass(repos, owner.template, 'SN-VOIDED');
      await register('device-f', voided);
      const loaded = (await repos.passes.findById(voided.id))!;
      loaded.void(at(-1_000));
      await repos.passes.save(loaded);

      expect(await repos.pushJobs.enqueueForTemplate(owner.template.id, T)).toBe(2);
      expect(await repos.pushJobs.enqueueForTemplate(987_654, T)).toBe(0);

      const claimed = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(claimed.map((job) => job.deviceLibraryIdentifier).sort()).toEqual(['device-a', 'device-b']);
      expect(await repos.pushJobs.countPending()).toBe(2);
    });

    it('pushes to the devices of a deleted pass when the pass itself is named', async () => {
      await register('device-a', passes[0]);
      const deleted = (await repos.passes.findById(passes[0].id))!;
      deleted.delete(T);
      await repos.passes.save(deleted);

      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], T)).toBe(1);
      expect((await repos.pushJobs.claim(10, T, LEASE_MS)).map((job) => job.deviceLibraryIdentifier)).toEqual([
        'device-a',
      ]);
    });

    it('claims due jobs earliest first, at most `limit`, with the push token the device holds at claim time', async () => {
      await register('device-a', passes[0], 'token-old');
      await register('device-b', passes[1]);
      await register('device-c', passes[2]);
      await register('device-d', otherPass);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      await repos.pushJobs.enqueueForPasses([passes[1].id], at(1_000));
      await repos.pushJobs.enqueueForPasses([passes[2].id], at(2_000));
      await repos.pushJobs.enqueueForPasses([otherPass.id], at(60 * 60_000));
      // The device registered again meanwhile, with a new token.
      await repos.registrations.register(aRegistration('device-a', passes[0].id, 'token-new', at(500)));

      const first = await repos.pushJobs.claim(2, at(10_000), LEASE_MS);
      expect(first.map((job) => [job.deviceLibraryIdentifier, job.pushToken])).toEqual([
        ['device-a', 'token-new'],
        ['device-b', 'token-device-b'],
      ]);
      const second = await repos.pushJobs.claim(2, at(10_000), LEASE_MS);
      expect(second.map((job) => job.deviceLibraryIdentifier)).toEqual(['device-c']);
      // device-d's job is not due yet.
      expect(await repos.pushJobs.claim(2, at(10_000), LEASE_MS)).toEqual([]);
      expect(await repos.pushJobs.countPending()).toBe(4);
    });

    it('picks the job due first even when a newer job has a smaller id', async () => {
      await register('device-a', passes[0]);
      await register('device-b', passes[1]);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      const [retried] = await repos.pushJobs.claim(10, T, LEASE_MS);
      await repos.pushJobs.retryLater(retried.id, at(30_000), 503, 'ServiceUnavailable');
      await repos.pushJobs.enqueueForPasses([passes[1].id], at(1_000));

      expect((await repos.pushJobs.claim(1, at(40_000), LEASE_MS)).map((job) => job.deviceLibraryIdentifier)).toEqual([
        'device-b',
      ]);
      expect((await repos.pushJobs.claim(1, at(40_000), LEASE_MS)).map((job) => job.id)).toEqual([retried.id]);
    });

    it('does not hand a leased job out again before its lease ends, and does after (a worker died with it)', async () => {
      await register('device-a', passes[0]);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      const [job] = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(job).toBeDefined();

      expect(await repos.pushJobs.claim(10, at(LEASE_MS - 1), LEASE_MS)).toEqual([]);
      expect(await repos.pushJobs.countPending()).toBe(1);
      const again = await repos.pushJobs.claim(10, at(LEASE_MS), LEASE_MS);
      expect(again.map((claimed) => [claimed.id, claimed.deviceLibraryIdentifier, claimed.pushToken])).toEqual([
        [job.id, 'device-a', 'token-device-a'],
      ]);
      // Leased anew: not before the new lease ends either.
      expect(await repos.pushJobs.claim(10, at(2 * LEASE_MS - 1), LEASE_MS)).toEqual([]);
    });

    it('hands each job to one of several claims running at once', async () => {
      const devices = ['device-a', 'device-b', 'device-c', 'device-d', 'device-e'];
      for (const device of devices) await register(device, passes[0]);
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], T)).toBe(5);

      const claims = await Promise.all([1, 2, 3].map(() => repos.pushJobs.claim(2, T, LEASE_MS)));
      for (const claimed of claims) expect(claimed.length).toBeLessThanOrEqual(2);
      const all = claims.flat();
      expect(all.map((job) => job.deviceLibraryIdentifier).sort()).toEqual(devices);
      expect(new Set(all.map((job) => job.id)).size).toBe(5);
    });

    it('collapses enqueues running at once, each in its own unit of work, into one waiting push', async () => {
      await register('device-a', passes[0]);
      await register('device-a', passes[1]);
      const added = await Promise.all(
        [passes[0], passes[1], passes[0], passes[1]].map((pass) =>
          repos.unitOfWork.atomically(() => repos.pushJobs.enqueueForPasses([pass.id], T)),
        ),
      );
      expect(added.reduce((sum, count) => sum + count, 0)).toBe(1);
      expect(await repos.pushJobs.countPending()).toBe(1);
    });

    it('drops, instead of handing out, the jobs of a device with no registration of that pass type left', async () => {
      await register('device-a', passes[0]);
      await register('device-a', otherPass);
      await register('device-b', passes[1]);
      await register('device-c', passes[0]);
      await register('device-c', passes[2]);
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id, passes[1].id, otherPass.id], T)).toBe(4);
      await repos.registrations.unregister('device-a', passes[0].id);
      // device-c still holds a pass of the type: its push stays.
      await repos.registrations.unregister('device-c', passes[0].id);

      const claimed = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(claimed.map((job) => [job.deviceLibraryIdentifier, job.passTypeId]).sort()).toEqual(
        [
          ['device-a', other.passType.id],
          ['device-b', owner.passType.id],
          ['device-c', owner.passType.id],
        ].sort(),
      );
      expect(await repos.pushJobs.countPending()).toBe(3);
      // Dropped for good: not even after the lease of the others ends.
      expect(await repos.pushJobs.claim(10, at(LEASE_MS), LEASE_MS)).toHaveLength(3);
      // A push token APNs called dead goes with its registrations, and so do the device's pushes.
      await repos.registrations.removeByPushToken('token-device-b', null);
      expect(
        (await repos.pushJobs.claim(10, at(2 * LEASE_MS), LEASE_MS)).map((job) => job.deviceLibraryIdentifier).sort(),
      ).toEqual(['device-a', 'device-c']);
      expect(await repos.pushJobs.countPending()).toBe(2);
    });

    it('adds a new waiting push for a change made after the device\'s push was claimed', async () => {
      await register('device-a', passes[0]);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      const [sending] = await repos.pushJobs.claim(10, T, LEASE_MS);

      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], at(1_000))).toBe(1);
      expect(await repos.pushJobs.countPending()).toBe(2);
      expect(await repos.pushJobs.enqueueForPasses([passes[1].id, passes[0].id], at(1_500))).toBe(0);
      await repos.pushJobs.markDelivered([sending.id], at(2_000));
      expect(await repos.pushJobs.countPending()).toBe(1);

      const next = await repos.pushJobs.claim(10, at(2_000), LEASE_MS);
      expect(next).toHaveLength(1);
      expect(next[0].id).not.toBe(sending.id);
      expect(next[0]).toMatchObject({ deviceLibraryIdentifier: 'device-a', pushToken: 'token-device-a', attempts: 0 });
    });

    it('closes jobs marked delivered or failed for good; a later change queues a new push', async () => {
      await register('device-a', passes[0]);
      await register('device-b', passes[1]);
      await register('device-c', passes[2]);
      await repos.pushJobs.enqueueForPasses(passes.map((pass) => pass.id), T);
      const claimed = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(claimed).toHaveLength(3);
      const [first, second, third] = claimed;

      await repos.pushJobs.markDelivered([], T);
      await repos.pushJobs.markDelivered([first.id, second.id], at(1_000));
      expect(await repos.pushJobs.countPending()).toBe(1);
      await repos.pushJobs.markFailed(third.id, 403, 'BadCertificateEnvironment', at(1_000));
      expect(await repos.pushJobs.countPending()).toBe(0);
      expect(await repos.pushJobs.claim(10, at(10 * LEASE_MS), LEASE_MS)).toEqual([]);

      expect(await repos.pushJobs.enqueueForPasses(passes.map((pass) => pass.id), at(2_000))).toBe(3);
      expect(await repos.pushJobs.countPending()).toBe(3);
    });

    it('prunes the records of jobs finished before a time, never a pending one', async () => {
      await register('device-a', passes[0]);
      await register('device-b', passes[1]);
      await repos.pushJobs.enqueueForPasses([passes[0].id, passes[1].id], T);
      const [first] = await repos.pushJobs.claim(1, T, LEASE_MS);
      await repos.pushJobs.markDelivered([first.id], at(1_000));

      expect(await repos.pushJobs.pruneFinished(at(1_000))).toBe(0);
      expect(await repos.pushJobs.pruneFinished(at(1_001))).toBe(1);
      expect(await repos.pushJobs.pruneFinished(at(10 * LEASE_MS))).toBe(0);
      expect(await repos.pushJobs.countPending()).toBe(1);
    });

    it('puts a job back to wait until the given time, with the attempt counted', async () => {
      await register('device-a', passes[0]);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      const [job] = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(job.attempts).toBe(0);

      await repos.pushJobs.retryLater(job.id, at(30_000), 503, 'ServiceUnavailable');
      expect(await repos.pushJobs.countPending()).toBe(1);
      // Waiting again: a new change joins it.
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], at(1_000))).toBe(0);
      expect(await repos.pushJobs.claim(10, at(29_999), LEASE_MS)).toEqual([]);

      const [retried] = await repos.pushJobs.claim(10, at(30_000), LEASE_MS);
      expect(retried).toMatchObject({ id: job.id, deviceLibraryIdentifier: 'device-a', attempts: 1 });
      await repos.pushJobs.retryLater(retried.id, at(60_000), null, 'socket hang up');
      const [third] = await repos.pushJobs.claim(10, at(60_000), LEASE_MS);
      expect(third).toMatchObject({ id: job.id, attempts: 2 });
    });

    it('closes the older job instead of retrying it when a newer one waits for the same device and pass type', async () => {
      await register('device-a', passes[0]);
      await repos.pushJobs.enqueueForPasses([passes[0].id], T);
      const [older] = await repos.pushJobs.claim(10, T, LEASE_MS);
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], at(1_000))).toBe(1);

      await expect(repos.pushJobs.retryLater(older.id, at(30_000), 500, 'InternalServerError')).resolves.toBeUndefined();
      expect(await repos.pushJobs.countPending()).toBe(1);
      const claimed = await repos.pushJobs.claim(10, at(10 * LEASE_MS), LEASE_MS);
      expect(claimed).toHaveLength(1);
      expect(claimed[0].id).not.toBe(older.id);
      expect(claimed[0].attempts).toBe(0);
    });

    it('works inside a unit of work: enqueue, claim, retry over a newer job, deliver, all in one transaction', async () => {
      await register('device-a', passes[0]);
      await register('device-b', passes[1]);
      await repos.unitOfWork.atomically(async () => {
        expect(await repos.pushJobs.enqueueForPasses([passes[0].id, passes[1].id], T)).toBe(2);
        expect(await repos.pushJobs.countPending()).toBe(2);
        const claimed = await repos.pushJobs.claim(10, T, LEASE_MS);
        expect(claimed).toHaveLength(2);
        const a = claimed.find((job) => job.deviceLibraryIdentifier === 'device-a')!;
        const b = claimed.find((job) => job.deviceLibraryIdentifier === 'device-b')!;
        expect(await repos.pushJobs.enqueueForPasses([passes[0].id], at(1_000))).toBe(1);
        // The unique index refuses the retry; the transaction stays usable.
        await repos.pushJobs.retryLater(a.id, at(30_000), 429, 'TooManyRequests');
        await repos.pushJobs.markDelivered([b.id], at(1_000));
        expect(await repos.pushJobs.countPending()).toBe(1);
      });
      expect(await repos.pushJobs.countPending()).toBe(1);
      const [left] = await repos.pushJobs.claim(10, at(10 * LEASE_MS), LEASE_MS);
      expect(left).toMatchObject({ deviceLibraryIdentifier: 'device-a', attempts: 0 });
    });

    databaseOnly('records no push when the unit of work it was enqueued in rolls back', async () => {
      await register('device-a', passes[0]);
      await expect(
        repos.unitOfWork.atomically(async () => {
          expect(await repos.pushJobs.enqueueForPasses([passes[0].id], T)).toBe(1);
          expect(await repos.pushJobs.countPending()).toBe(1);
          throw new Error('the pass change failed');
        }),
      ).rejects.toThrow('the pass change failed');
      expect(await repos.pushJobs.countPending()).toBe(0);
      expect(await repos.pushJobs.claim(10, T, LEASE_MS)).toEqual([]);
      // Nothing left waiting that would swallow the next change.
      expect(await repos.pushJobs.enqueueForPasses([passes[0].id], T)).toBe(1);
    });
  });
}
