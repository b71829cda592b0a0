import { Injectable, Logger } from '@nestjs/common';
import type { PassType } from '../../../domain/pass-type';
import { PassUpdateNotifier } from '../../../domain/ports/pass-update-notifier';
import type { PushResult } from '../../../domain/push';

/** PUSH_MODE=log: each update push is logged instead of sent, and counts as delivered. */
@Injectable()
export class LogPassUpdateNotifier extends PassUpdateNotifier {
  private readonly logger = new Logger('Push');

  async notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    for (const pushToken of pushTokens) {
      this.logger.log(`Update push for ${passType.passTypeIdentifier} to device token ${shortened(pushToken)} (logged, not sent)`);
    }
    return pushTokens.map((pushToken) => ({ pushToken, outcome: { kind: 'delivered' } }));
  }
}

/** Enough of a push token to tell devices apart in a log, never the whole token: it addresses the device. */
export function shortened(pushToken: string): string {
  return `${pushToken.slice(0, Math.min(8, Math.floor(pushToken.length / 2)))}…`;
}
