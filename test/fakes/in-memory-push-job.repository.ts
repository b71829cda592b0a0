import { PushJobRepository } from '../../src/domain/ports/push-job.repository';
import type { PushJob } from '../../src/domain/push';
import type { InMemoryDeviceRegistrationRepository } from './in-memory-device-registration.repository';
import type { InMemoryPassRepository } from './in-memory-pass.repository';

export type FakePushJobState = 'waiting' | 'sending' | 'delivered' | 'failed' | 'dropped';

export interface FakePushJobRow {
  id: number;
  deviceLibraryIdentifier: string;
  passTypeId: number;
  state: FakePushJobState;
  attempts: number;
  dueAt: number;
  finishedAt: Date | null;
  lastStatus: number | null;
  lastReason: string | null;
}

export class InMemoryPushJobRepository extends PushJobRepository {
  readonly rows = new Map<number, FakePushJobRow>();
  private nextId = 1;

  constructor(
    private readonly registrations: InMemoryDeviceRegistrationRepository,
    private readonly passes: InMemoryPassRepository,
  ) {
    super();
  }

  async enqueueForPasses(passIds: readonly number[], now: Date): Promise<number> {
    const wanted = new Set(passIds);
    return this.enqueue((passId) => wanted.has(passId), now);
  }

  async enqueueForTemplate(templateId: number, now: Date): Promise<number> {
    const wanted = new Set(
      this.passes
        .storedRows()
        .filter((pass) => pass.templateId === templateId && pass.deletedAt === null && !pass.voided)
        .map((pass) => pass.id),
    );
    return this.enqueue((passId) => wanted.has(passId), now);
  }

  private enqueue(includes: (passId: number) => boolean, now: Date): number {
    const passTypeOf = new Map(this.passes.storedRows().map((pass) => [pass.id, pass.passTypeId]));
    let added = 0;
    for (const registration of this.registrations.rows.values()) {
      const passTypeId = passTypeOf.get(registration.passId);
      if (passTypeId === undefined || !includes(registration.passId)) continue;
      const waiting = [...this.rows.values()].some(
        (row) =>
          row.state === 'waiting' &&
          row.deviceLibraryIdentifier === registration.deviceLibraryIdentifier &&
          row.passTypeId === passTypeId,
      );
      if (waiting) continue;
      const id = this.nextId++;
      this.rows.set(id, {
        id,
        deviceLibraryIdentifier: registration.deviceLibraryIdentifier,
        passTypeId,
        state: 'waiting',
        attempts: 0,
        dueAt: now.getTime(),
        finishedAt: null,
        lastStatus: null,
        lastReason: null,
      });
      added += 1;
    }
    return added;
  }

  async claim(limit: number, now: Date, leaseMs: number): Promise<PushJob[]> {
    const due = [...this.rows.values()]
      .filter((row) => (row.state === 'waiting' || row.state === 'sending') && row.dueAt <= now.getTime())
      .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)
      .slice(0, limit);
    const passTypeOf = new Map(this.passes.storedRows().map((pass) => [pass.id, pass.passTypeId]));
    const jobs: PushJob[] = [];
    for (const row of due) {
      row.state = 'sending';
      row.dueAt = now.getTime() + leaseMs;
      const registration = [...this.registrations.rows.values()].find(
        (candidate) =>
          candidate.deviceLibraryIdentifier === row.deviceLibraryIdentifier &&
          passTypeOf.get(candidate.passId) === row.passTypeId,
      );
      if (!registration) {
        Object.assign(row, { state: 'dropped', finishedAt: now, lastReason: 'no registration left' });
        continue;
      }
      jobs.push({
        id: row.id,
        deviceLibraryIdentifier: row.deviceLibraryIdentifier,
        passTypeId: row.passTypeId,
        pushToken: registration.pushToken,
        attempts: row.attempts,
      });
    }
    return jobs;
  }

  async markDelivered(jobIds: readonly number[], now: Date): Promise<void> {
    for (const id of jobIds) this.finish(id, 'delivered', 200, null, now);
  }

  async retryLater(jobId: number, at: Date, status: number | null, reason: string): Promise<void> {
    const row = this.rows.get(jobId);
    if (!row) return;
    const newer = [...this.rows.values()].some(
      (other) =>
        other.id !== jobId &&
        other.state === 'waiting' &&
        other.deviceLibraryIdentifier === row.deviceLibraryIdentifier &&
        other.passTypeId === row.passTypeId,
    );
    if (newer) {
      this.finish(jobId, 'dropped', status, `${reason} (a newer waiting push replaces it)`, new Date());
      return;
    }
    Object.assign(row, { state: 'waiting', dueAt: at.getTime(), lastStatus: status, lastReason: reason });
    row.attempts += 1;
  }

  async markFailed(jobId: number, status: number | null, reason: string, now: Date): Promise<void> {
    this.finish(jobId, 'failed', status, reason, now);
  }

  async pruneFinished(before: Date): Promise<number> {
    let pruned = 0;
    for (const [id, row] of this.rows) {
      if (row.finishedAt === null || row.finishedAt.getTime() >= before.getTime()) continue;
      this.rows.delete(id);
      pruned += 1;
    }
    return pruned;
  }

  async countPending(): Promise<number> {
    return [...this.rows.values()].filter((row) => row.state === 'waiting' || row.state === 'sending').length;
  }

  private finish(id: number, state: FakePushJobState, status: number | null, reason: string | null, now: Date): void {
    const row = this.rows.get(id);
    if (!row) return;
    Object.assign(row, { state, finishedAt: now, lastStatus: status, lastReason: reason });
    row.attempts += 1;
  }
}
