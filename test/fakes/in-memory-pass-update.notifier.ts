import type { PassType } from '../../src/domain/pass-type';
import { PassUpdateNotifier } from '../../src/domain/ports/pass-update-notifier';
import type { PushOutcome, PushResult } from '../../src/domain/push';

/** Records pushes; answers `delivered` unless a token was given another outcome. */
export class InMemoryPassUpdateNotifier extends PassUpdateNotifier {
  readonly sent: Array<{ passTypeIdentifier: string; pushToken: string }> = [];
  private readonly outcomes = new Map<string, PushOutcome[]>();

  /** The next answers for this token, one per push, then `delivered` again. */
  answer(pushToken: string, ...outcomes: PushOutcome[]): void {
    this.outcomes.set(pushToken, [...(this.outcomes.get(pushToken) ?? []), ...outcomes]);
  }

  async notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    return pushTokens.map((pushToken) => {
      this.sent.push({ passTypeIdentifier: passType.passTypeIdentifier, pushToken });
      const outcome = this.outcomes.get(pushToken)?.shift() ?? { kind: 'delivered' };
      return { pushToken, outcome };
    });
  }
}
