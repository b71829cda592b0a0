import { Injectable } from '@nestjs/common';
import type { PassType } from '../domain/pass-type';
import { Clock } from '../domain/ports/clock';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassUpdateNotifier } from '../domain/ports/pass-update-notifier';
import { PushJobRepository } from '../domain/ports/push-job.repository';
import { MAX_PUSH_ATTEMPTS, PushJob, PushResult, retryDelayMs } from '../domain/push';

export interface PushBatchReport {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
  devicesForgotten: number;
}

/** A worker that dies mid-batch leaves its jobs to be claimed again after this long. */
export const PUSH_LEASE_MS = 60_000;

/**
 * Sends one batch of due update pushes: claims them, sends each pass type's tokens in one call
 * (one multiplexed APNs connection per certificate), and records every outcome. A dead token
 * takes its registrations with it (410 Unregistered, 400 BadDeviceToken: the reference's P-PUSH-4);
 * 429, 5xx and network failures come back later with exponential backoff.
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
@Injectable()
export class SendPushes {
  constructor(
    private readonly pushJobs: PushJobRepository,
    private readonly passTypes: PassTypeRepository,
    private readonly registrations: DeviceRegistrationRepository,
    private readonly notifier: PassUpdateNotifier,
    private readonly clock: Clock,
  ) {}

  async sendDue(limit: number): Promise<PushBatchReport> {
    const jobs = await this.pushJobs.claim(limit, this.clock.now(), PUSH_LEASE_MS);
    const report: PushBatchReport = { claimed: jobs.length, delivered: 0, retried: 0, failed: 0, devicesForgotten: 0 };
    const byPassType = new Map<number, PushJob[]>();
    for (const job of jobs) {
      const passTypeJobs = byPassType.get(job.passTypeId);
      if (passTypeJobs === undefined) byPassType.set(job.passTypeId, [job]);
      else passTypeJobs.push(job);
    }
    await Promise.all(
      [...byPassType].map(async ([passTypeId, passTypeJobs]) => {
        const passType = await this.passTypes.findById(passTypeId);
        if (!passType) {
          for (const job of passTypeJobs) await this.pushJobs.markFailed(job.id, null, 'The pass type is gone.', this.clock.now());
          report.failed += passTypeJobs.length;
          return;
        }
        await this.sendForPassType(passType, passTypeJobs, report);
      }),
    );
    return report;
  }

  private async sendForPassType(passType: PassType, jobs: PushJob[], report: PushBatchReport): Promise<void> {
    const results = await this.notifier.notify(passType, jobs.map((job) => job.pushToken));
    const delivered: number[] = [];
    for (const [index, job] of jobs.entries()) {
      const result: PushResult = results[index];
      const outcome = result.outcome;
      const now = this.clock.now();
      switch (outcome.kind) {
        case 'delivered':
          delivered.push(job.id);
          break;
        case 'device-gone':
          // 410 Unregistered: the device gave up this topic (pass type) — its other pass types stay;
          // 400 BadDeviceToken: the token itself is bad, for every topic.
          report.devicesForgotten += await this.registrations.removeByPushToken(
            job.pushToken,
            outcome.status === 410 ? job.passTypeId : null,
          );
          await this.pushJobs.markFailed(job.id, outcome.status, `Device gone: ${outcome.reason}`, now);
          report.failed += 1;
          break;
        case 'retry':
          if (job.attempts + 1 >= MAX_PUSH_ATTEMPTS) {
            await this.pushJobs.markFailed(job.id, outcome.status, `Gave up after ${MAX_PUSH_ATTEMPTS} attempts: ${outcome.reason}`, now);
            report.failed += 1;
          } else {
            await this.pushJobs.retryLater(job.id, new Date(now.getTime() + retryDelayMs(job.attempts + 1)), outcome.status, outcome.reason);
            report.retried += 1;
          }
          break;
        case 'refused':
          await this.pushJobs.markFailed(job.id, outcome.status, `Refused: ${outcome.reason}`, now);
          report.failed += 1;
          break;
      }
    }
    await this.pushJobs.markDelivered(delivered, this.clock.now());
    report.delivered += delivered.length;
  }
}
