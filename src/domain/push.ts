/**
 * What APNs made of one update push. The notifier adapter sorts APNs answers into these four; the
 * push worker acts on the kind alone.
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
export type PushOutcome =
  /** APNs accepted it (200). Delivery to the device is APNs' business from here. */
  | { kind: 'delivered' }
  /** The push token is dead (410 Unregistered / ExpiredToken, 400 BadDeviceToken): forget it. */
  | { kind: 'device-gone'; status: number; reason: string }
  /** Worth another try later: 429, 5xx, a network or TLS failure, a timeout. */
  | { kind: 'retry'; status: number | null; reason: string }
  /** A request APNs will never accept as sent (wrong certificate or topic, malformed): no retry. */
  | { kind: 'refused'; status: number | null; reason: string };

export interface PushResult {
  pushToken: string;
  outcome: PushOutcome;
}

/**
 * One waiting "this device has new versions of passes of this type" push. Waiting pushes for the
 * same device and pass type collapse into one: the device asks for everything changed since its
 * tag anyway, and too many pushes make Wallet throttle the pass type.
 */
export interface PushJob {
  id: number;
  deviceLibraryIdentifier: string;
  passTypeId: number;
  /** The device's current push token, read when the job is claimed (re-registrations replace it). */
  pushToken: string;
  /** Sends already tried, not counting the one this claim is for. */
  attempts: number;
}

/**
 * After this many failed sends a push is given up and recorded as failed: about a day of retries
 * (the backoff reaches its 10-minute cap after half an hour), so an APNs or network outage of hours
 * loses nothing; a waiting push also carries the changes that collapsed into it.
 */
export const MAX_PUSH_ATTEMPTS = 200;

const FIRST_RETRY_DELAY_MS = 1_000;
const LONGEST_RETRY_DELAY_MS = 10 * 60_000;

/**
 * Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 10 minutes, each drawn between half
 * and the whole step so that a fleet of retries does not return to APNs in lockstep.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(LONGEST_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + (step / 2) * random());
}
