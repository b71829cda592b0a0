/** Entries kept from one request; Wallet batches about 50. */
export const MAX_LOG_ENTRIES_PER_REQUEST = 100;
/** Characters kept of one entry; the rest is cut and marked. */
export const MAX_LOG_ENTRY_LENGTH = 2_000;
const WINDOW_MS = 60_000;
/** Entries logged per client address and minute, and for all clients together. */
const ENTRIES_PER_CLIENT_AND_WINDOW = 300;
const ENTRIES_PER_WINDOW = 5_000;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export interface LogIntakeResult {
  /** The entries to log, cleaned: bounded, without control characters. */
  accepted: string[];
  /** Entries not logged: over a bound, not a string, or over the rate. */
  dropped: number;
}

/**
 * What Wallet's log endpoint keeps. The messages are untrusted text from anyone who can reach the
 * URL (no authentication on this call), so they are bounded per request, per client and in total
 * per minute, and stripped of control characters before they reach the log.
 * @see https://developer.apple.com/documentation/walletpasses/log-a-message
 */
export class DeviceLogIntake {
  private windowStart = 0;
  private total = 0;
  private readonly perClient = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  take(client: string, entries: readonly unknown[]): LogIntakeResult {
    this.rollWindow();
    const strings = entries.slice(0, MAX_LOG_ENTRIES_PER_REQUEST).filter((entry): entry is string => typeof entry === 'string');
    const clientUsed = this.perClient.get(client) ?? 0;
    const room = Math.max(0, Math.min(ENTRIES_PER_CLIENT_AND_WINDOW - clientUsed, ENTRIES_PER_WINDOW - this.total));
    const accepted = strings.slice(0, room).map(clean);
    this.perClient.set(client, clientUsed + accepted.length);
    this.total += accepted.length;
    return { accepted, dropped: entries.length - accepted.length };
  }

  private rollWindow(): void {
    const now = this.now();
    if (now - this.windowStart < WINDOW_MS) return;
    this.windowStart = now;
    this.total = 0;
    this.perClient.clear();
  }
}

function clean(entry: string): string {
  const text = entry.replace(CONTROL_CHARACTERS, ' ');
  return text.length > MAX_LOG_ENTRY_LENGTH ? `${text.slice(0, MAX_LOG_ENTRY_LENGTH)}… [cut]` : text;
}
