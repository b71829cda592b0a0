import type { PassType } from '../pass-type';
import type { PushResult } from '../push';

/**
 * Tells devices that passes of a pass type changed: an empty push to each token, topic = the pass
 * type identifier, sent with that pass type's certificate.
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */
export abstract class PassUpdateNotifier {
  /** One result per token, in the order of `pushTokens`; never rejects for a single token's failure. */
  abstract notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]>;
}
