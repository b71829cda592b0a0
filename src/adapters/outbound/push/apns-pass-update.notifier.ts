import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Notification, Provider, type ProviderOptions, type ResponseFailure } from '@parse/node-apn';
import { AppConfig } from '../../../config/app-config';
import type { PassType } from '../../../domain/pass-type';
import { PassUpdateNotifier } from '../../../domain/ports/pass-update-notifier';
import type { PushOutcome, PushResult } from '../../../domain/push';

/** Apple's production APNs host: the only environment Wallet passes are pushed through. */
export const APPLE_APNS_HOST = 'api.push.apple.com';

/**
 * How long APNs keeps a push for a device that is offline. Not 0 (pitfall P-PUSH-3: an offline
 * device would miss the push); APNs keeps only the latest push per device and topic, and the
 * device then asks for every change since its tag, so a long expiry costs nothing.
 */
const EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/**
 * Apple documents the update push payload as the empty dictionary `{}`. node-apn 8.1.0 writes no
 * request body at all when the compiled notification is exactly `'{}'`, and APNs answers a
 * zero-byte body with 400 PayloadEmpty. `{ }` is the same JSON value, the empty dictionary, in
 * bytes node-apn does send; it comes from `compile()` because node-apn's `rawPayload` goes through
 * JSON.stringify, which prints an empty object as `{}` again. Preferred over `{"aps":{}}`, which
 * some servers send: that is a different dictionary from the one Apple documents.
 * @see https://github.com/parse-community/node-apn/blob/8.1.0/lib/client.js#L576
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */
export const EMPTY_DICTIONARY_PAYLOAD = '{ }';

/** The update push: payload `{ }`, no alert (the lock-screen text comes from the new pass's changeMessage). */
class PassUpdateNotification extends Notification {
  constructor(topic: string, expiresAt: number) {
    super();
    this.topic = topic;
    this.expiry = expiresAt;
    // apns-priority stays node-apn's 10, also APNs' default for the many Wallet servers that leave
    // the header out; no apns-push-type: Apple specifies none for passes, and `background` pushes
    // are delivered at APNs' discretion.
  }

  /** node-apn sends what this returns as the request body (lib/provider.js, `send`). */
  compile(): string {
    return EMPTY_DICTIONARY_PAYLOAD;
  }
}

/**
 * Pushes handed to node-apn at a time; the event loop runs between slices, all of them in flight
 * together on the one connection. node-apn opens the HTTP/2 stream of every push of a send()
 * synchronously, 100-300 µs each here: a batch of 500 in one send() held the event loop for
 * 250-300 ms, and every device request of a push storm waited behind it.
 */
export const SEND_SLICE = 50;

/** Push tokens are hexadecimal; anything else cannot be one and must not reach the request path. */
const PUSH_TOKEN = /^[0-9A-Fa-f]+$/;

/** A pass type's connection to APNs, or why node-apn would not make one for its certificate. */
type Connection =
  | { certificateFingerprint: string; provider: Provider; refusal?: undefined }
  | { certificateFingerprint: string; provider?: undefined; refusal: string };

/**
 * Sends Wallet update pushes through APNs with @parse/node-apn: certificate authentication with the
 * pass type's own Pass Type ID certificate and key, topic = its pass type identifier. One node-apn
 * Provider per pass type, made on first use and kept: one long-lived HTTP/2 connection per
 * certificate, the pushes of one call multiplexed on it. A renewed certificate gets a new Provider.
 *
 * node-apn's own retries are off (connectionRetryLimit 0): it would resend a 429 or 5xx at once
 * (it looks for `Retry-After` in HTTP/2's lower-case headers and never finds it); the push worker
 * retries with backoff instead.
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 */
@Injectable()
export class ApnsPassUpdateNotifier extends PassUpdateNotifier implements OnModuleDestroy {
  private readonly logger = new Logger('Push');
  private readonly connections = new Map<string, Connection>();
  /** For node:tls `ca`, which replaces the system's roots when given: those roots plus APNS_CA_FILE. */
  private readonly trustedCas: string[] | null;
  private closed = false;

  constructor(private readonly config: AppConfig) {
    super();
    this.trustedCas = config.apnsCaFile === null ? null : [...rootCertificates, readCaFile(config.apnsCaFile)];
  }

  async notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    if (pushTokens.length === 0) return [];
    if (this.closed) return everyToken(pushTokens, { kind: 'retry', status: null, reason: 'shutting down' });
    const connection = this.connectionFor(passType);
    if (connection.refusal !== undefined) {
      return everyToken(pushTokens, { kind: 'refused', status: null, reason: connection.refusal });
    }

    const outcomes = new Map<string, PushOutcome>();
    const sendable = new Set<string>();
    for (const token of pushTokens) {
      if (PUSH_TOKEN.test(token)) sendable.add(token);
      else outcomes.set(token, { kind: 'device-gone', status: 400, reason: 'BadDeviceToken (not hexadecimal, not sent)' });
    }
    if (sendable.size > 0) {
      const notification = new PassUpdateNotification(passType.passTypeIdentifier, Math.floor(Date.now() / 1000) + EXPIRY_SECONDS);
      const tokens = [...sendable];
      const slices: Array<Promise<void>> = [];
      for (let start = 0; start < tokens.length; start += SEND_SLICE) {
        // node-apn opens every stream of a send() before it returns to the event loop.
        if (start > 0) await setImmediate();
        slices.push(this.sendSlice(connection.provider, notification, tokens.slice(start, start + SEND_SLICE), outcomes));
      }
      await Promise.all(slices);
    }
    return pushTokens.map((pushToken) => ({
      pushToken,
      outcome: outcomes.get(pushToken) ?? { kind: 'retry', status: null, reason: 'node-apn gave no answer for this token' },
    }));
  }

  private async sendSlice(provider: Provider, notification: Notification, tokens: string[], outcomes: Map<string, PushOutcome>): Promise<void> {
    try {
      const { sent, failed } = await provider.send(notification, tokens);
      for (const { device } of sent) outcomes.set(device, { kind: 'delivered' });
      for (const failure of failed) outcomes.set(failure.device, outcomeOf(failure));
    } catch (error) {
      const reason = `node-apn failed: ${(error as Error).message ?? String(error)}`;
      for (const token of tokens) outcomes.set(token, { kind: 'retry', status: null, reason });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const providers = [...this.connections.values()].flatMap((connection) => connection.provider ?? []);
    this.connections.clear();
    await Promise.all(providers.map(shutDown));
  }

  private connectionFor(passType: PassType): Connection {
    const certificateFingerprint = createHash('sha256').update(passType.certificatePem).digest('hex');
    const known = this.connections.get(passType.passTypeIdentifier);
    if (known?.certificateFingerprint === certificateFingerprint) return known;
    if (known?.provider) void shutDown(known.provider);

    let connection: Connection;
    try {
      connection = { certificateFingerprint, provider: new Provider(this.providerOptions(passType)) };
    } catch (error) {
      const refusal = `APNs at ${this.endpoint}: ${(error as Error).message}`;
      this.logger.error(`Cannot push updates of pass type ${passType.passTypeIdentifier}: ${this.explain(error as Error)}`);
      connection = { certificateFingerprint, refusal };
    }
    this.connections.set(passType.passTypeIdentifier, connection);
    return connection;
  }

  private providerOptions(passType: PassType): ProviderOptions {
    const options: ProviderOptions = {
      cert: passType.certificatePem,
      key: passType.privateKeyPem,
      // Any address but api.push.apple.com makes node-apn check the certificate for the sandbox
      // environment (lib/config.js, configureAddress); see `explain`.
      address: this.config.apnsHost,
      port: this.config.apnsPort,
      connectionRetryLimit: 0,
    };
    if (passType.privateKeyPassphrase !== null) options.passphrase = passType.privateKeyPassphrase;
    if (this.trustedCas !== null) options.ca = this.trustedCas;
    return options;
  }

  private get endpoint(): string {
    return `${this.config.apnsHost}:${this.config.apnsPort}`;
  }

  /** node-apn's refusal, with what to do about it. */
  private explain(error: Error): string {
    const refused = `node-apn refuses its certificate for APNs at ${this.endpoint} (${error.message}).`;
    if (!/does not support configured environment/.test(error.message)) {
      return `${refused} Renew or re-import the pass type's certificate and key; see certs/README.md.`;
    }
    if (this.config.apnsHost === APPLE_APNS_HOST) {
      return (
        `${refused} The certificate lacks Apple's production push extension (1.2.840.113635.100.6.3.2): ` +
        "use the Pass Type ID certificate Apple issued for this pass type; see certs/README.md, 'Pushes (APNs)'."
      );
    }
    return (
      `${refused} node-apn treats every APNS_HOST other than ${APPLE_APNS_HOST} as APNs' sandbox and then ` +
      "requires the sandbox push extension (1.2.840.113635.100.6.3.1), which Apple's Pass Type ID certificates " +
      'do not carry: unset APNS_HOST to push through Apple, or set PUSH_MODE=log; ' +
      "see certs/README.md, 'Pushes (APNs)'."
    );
  }
}

/**
 * APNs' answer sorted for the push worker.
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
function outcomeOf(failure: ResponseFailure): PushOutcome {
  // node-apn reports network errors and timeouts with an `error` and no numeric status.
  const status = typeof failure.status === 'number' ? failure.status : null;
  const reason = failure.response?.reason ?? failure.error?.message ?? (status === null ? 'no answer' : `HTTP ${status}`);
  if (status === null) return { kind: 'retry', status, reason };
  if (status === 410 || (status === 400 && reason === 'BadDeviceToken')) return { kind: 'device-gone', status, reason };
  if (status === 429 || status >= 500) return { kind: 'retry', status, reason };
  return { kind: 'refused', status, reason };
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`APNS_CA_FILE=${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

function everyToken(pushTokens: readonly string[], outcome: PushOutcome): PushResult[] {
  return pushTokens.map((pushToken) => ({ pushToken, outcome }));
}

/** How long shutdown waits for node-apn to close a connection. */
const SHUTDOWN_WAIT_MS = 3_000;

/**
 * node-apn 8.1.0's Provider.shutdown returns nothing to await; its callback runs once the HTTP/2
 * session is closed — and never when the session was destroyed by a failed connection (it calls
 * `session.close(callback)` on a destroyed session, which Node does not call back; lib/client.js,
 * closeAndDestroySession). So the wait is bounded: the process must be able to stop while APNs is
 * unreachable.
 */
function shutDown(provider: Provider): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
    timer.unref();
    provider.shutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
