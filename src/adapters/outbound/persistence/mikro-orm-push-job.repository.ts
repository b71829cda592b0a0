import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { PushJobRepository } from '../../../domain/ports/push-job.repository';
import type { PushJob } from '../../../domain/push';
import { isPostgres } from './migrations/platform';
import { entityManagerFor, executeSql, executeSqlInContext } from './mikro-orm-repository';
import { PushJobRecord } from './schemas/push-job.schema';

/**
 * The push queue in SQL. Enqueueing is one INSERT … SELECT however many devices a change reaches,
 * and claiming one UPDATE … RETURNING per batch; on PostgreSQL `FOR UPDATE SKIP LOCKED` lets
 * several instances claim side by side without handing out a job twice.
 */
@Injectable()
export class MikroOrmPushJobRepository extends PushJobRepository {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async enqueueForPasses(passIds: readonly number[], now: Date): Promise<number> {
    if (passIds.length === 0) return 0;
    return this.enqueue(`r.pass_id in (${passIds.map(() => '?').join(', ')})`, [...passIds], now);
  }

  async enqueueForTemplate(templateId: number, now: Date): Promise<number> {
    return this.enqueue('p.template_id = ? and p.deleted_at is null and not p.voided', [templateId], now);
  }

  private async enqueue(condition: string, params: unknown[], now: Date): Promise<number> {
    const em = entityManagerFor(this.orm);
    const time = timeParameter(em, now);
    // PostgreSQL takes an untyped parameter in a SELECT DISTINCT list as text, which a timestamptz
    // column refuses: the cast names its type.
    const timeValue = isPostgres(em.getPlatform()) ? 'cast(? as timestamptz)' : '?';
    // No conflict target: a device that already has a push waiting for the pass type keeps it
    // (the partial unique index push_jobs_waiting_unique), on PostgreSQL and SQLite alike.
    const result = await executeSql<{ affectedRows: number }>(em, `insert into push_jobs (device_library_identifier, pass_type_id, state, attempts, due_at, created_at)
       select distinct r.device_library_identifier, p.pass_type_id, 'waiting', 0, ${timeValue}, ${timeValue}
       from device_registrations r join passes p on p.id = r.pass_id
       where ${condition}
       on conflict do nothing`,
      [time, time, ...params],
      'run',
    );
    return result.affectedRows;
  }

  async claim(limit: number, now: Date, leaseMs: number): Promise<PushJob[]> {
    return entityManagerFor(this.orm).transactional(async (transaction) => {
      const em = transaction as SqlEntityManager;
      const skipLocked = isPostgres(em.getPlatform()) ? ' for update skip locked' : '';
      const claimed = await executeSql<
        Array<{ id: number; device_library_identifier: string; pass_type_id: number; attempts: number }>
      >(em, `update push_jobs set state = 'sending', due_at = ?
         where id in (
           select id from push_jobs
           where state in ('waiting', 'sending') and due_at <= ?
           order by due_at, id limit ?${skipLocked}
         )
         returning id, device_library_identifier, pass_type_id, attempts`,
        [timeParameter(em, new Date(now.getTime() + leaseMs)), timeParameter(em, now), limit],
        'all',
      );
      if (claimed.length === 0) return [];
      const tokens = await this.currentPushTokens(
        em,
        [...new Set(claimed.map((job) => job.device_library_identifier))],
      );
      const jobs: PushJob[] = [];
      const orphans: number[] = [];
      for (const row of claimed) {
        const pushToken = tokens.get(tokenKey(row.device_library_identifier, Number(row.pass_type_id)));
        if (pushToken === undefined) {
          orphans.push(Number(row.id));
          continue;
        }
        jobs.push({
          id: Number(row.id),
          deviceLibraryIdentifier: row.device_library_identifier,
          passTypeId: Number(row.pass_type_id),
          pushToken,
          attempts: Number(row.attempts),
        });
      }
      if (orphans.length > 0) {
        await em.nativeUpdate(
          PushJobRecord,
          { id: { $in: orphans } },
          { state: 'dropped', finishedAt: now, lastReason: 'The device has no registration of this pass type left.' },
        );
      }
      return jobs.sort((a, b) => a.id - b.id);
    });
  }

  /** The push token each device holds for each pass type it has registrations of. */
  private async currentPushTokens(em: SqlEntityManager, devices: string[]): Promise<Map<string, string>> {
    const rows = await executeSql<
      Array<{ device_library_identifier: string; pass_type_id: number; push_token: string }>
    >(em, `select distinct r.device_library_identifier, p.pass_type_id, r.push_token
       from device_registrations r join passes p on p.id = r.pass_id
       where r.device_library_identifier in (${devices.map(() => '?').join(', ')})`,
      devices,
      'all',
    );
    return new Map(rows.map((row) => [tokenKey(row.device_library_identifier, Number(row.pass_type_id)), row.push_token]));
  }

  async markDelivered(jobIds: readonly number[], now: Date): Promise<void> {
    if (jobIds.length === 0) return;
    // Parameterised SQL, not nativeUpdate: MikroORM's query builder costs more per batch of 500
    // than SQLite's update, and on SQLite it wrote the ids and the time into the statement's text
    // (a Date is no binding there), 2-10 ms on the event loop per batch, measured here.
    await executeSqlInContext(
      this.orm,
      `update push_jobs set state = 'delivered', finished_at = ?, last_status = 200, last_reason = null, attempts = attempts + 1
       where id in (${jobIds.map(() => '?').join(', ')})`,
      [timeParameter(this.orm.em as SqlEntityManager, now), ...jobIds],
      'run',
    );
  }

  async retryLater(jobId: number, at: Date, status: number | null, reason: string): Promise<void> {
    try {
      await entityManagerFor(this.orm).transactional(async (em) => {
        await em.nativeUpdate(
          PushJobRecord,
          { id: jobId },
          { state: 'waiting', dueAt: at, lastStatus: status, lastReason: reason, attempts: raw('attempts + 1') as never },
        );
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // A newer change put a push for the same device and pass type in the queue meanwhile: that
      // one goes out and tells the device everything, this one closes.
      await entityManagerFor(this.orm).nativeUpdate(
        PushJobRecord,
        { id: jobId },
        {
          state: 'dropped',
          finishedAt: new Date(),
          lastStatus: status,
          lastReason: `${reason} (a newer waiting push replaces it)`,
          attempts: raw('attempts + 1') as never,
        },
      );
    }
  }

  async markFailed(jobId: number, status: number | null, reason: string, now: Date): Promise<void> {
    await entityManagerFor(this.orm).nativeUpdate(
      PushJobRecord,
      { id: jobId },
      { state: 'failed', finishedAt: now, lastStatus: status, lastReason: reason, attempts: raw('attempts + 1') as never },
    );
  }

  async pruneFinished(before: Date): Promise<number> {
    return entityManagerFor(this.orm).nativeDelete(PushJobRecord, {
      state: { $in: ['delivered', 'failed', 'dropped'] },
      finishedAt: { $lt: before },
    });
  }

  async countPending(): Promise<number> {
    return entityManagerFor(this.orm).count(PushJobRecord, { state: { $in: ['waiting', 'sending'] } });
  }
}

function tokenKey(deviceLibraryIdentifier: string, passTypeId: number): string {
  return `${passTypeId}\u0000${deviceLibraryIdentifier}`;
}

/** A datetime as raw SQL takes it: SQLite keeps MikroORM datetimes as epoch milliseconds. */
function timeParameter(em: SqlEntityManager, date: Date): Date | number {
  return isPostgres(em.getPlatform()) ? date : date.getTime();
}
