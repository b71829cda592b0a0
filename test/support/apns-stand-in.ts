// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import * as x509 from '@peculiar/x509';

export interface RecordedPush {
  method: string;
  path: string;
  /** The `<token>` of `/3/device/<token>`, or null for another path. */
  token: string | null;
  headers: {
    'apns-topic'?: string;
    'apns-expiration'?: string;
    'apns-push-type'?: string;
    'apns-priority'?: string;
  };
  body: Buffer;
  /** Which TLS connection carried it: 1 for the first the stand-in accepted, and so on. */
  connection: number;
}

interface Failure {
  status: number;
  reason: string;
}

/** APNs' reason for each status when a test names none. */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'BadCertificate',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const DEVICE_PATH = /^\/3\/device\/([^/]*)$/;
const EC_P256: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const crypto = webcrypto;

/**
 * A local APNs over HTTP/2 and TLS, for tests and benchmarks: its own throwaway CA (`caFile`, for
 * APNS_CA_FILE) and a server certificate for localhost and 127.0.0.1; asks for a client certificate
 * and records its subject; answers the way APNs does for the cases passgate handles.
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
export class ApnsStandIn {
  readonly requests: RecordedPush[] = [];
  /** Subject of the client certificate of each TLS connection, in order ('' when none was sent). */
  readonly clientSubjects: string[] = [];
  readonly host = '127.0.0.1';

  private readonly unregistered = new Set<string>();
  private readonly failingTokens = new Map<string, Failure>();
  private failures: Failure & { remaining: number } = { status: 0, reason: '', remaining: 0 };
  private readonly sessions = new Set<Http2Session>();
  private readonly connectionNumbers = new WeakMap<Http2Session, number>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: Http2SecureServer,
    readonly port: number,
    readonly caFile: string,
    private readonly dir: string,
  ) {
    server.on('session', (session) => {
      this.connectionNumbers.set(session, this.clientSubjects.push(subjectOf(session.socket as TLSSocket)));
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
    server.on('stream', (stream, headers) => this.handle(stream, headers));
  }

  static async start(): Promise<ApnsStandIn> {
    const dir = mkdtempSync(join(tmpdir(), 'passgate-apns-stand-in-'));
    const { caPem, certificatePem, keyPem } = await serverCertificate();
    const caFile = join(dir, 'apns-stand-in-ca.pem');
    writeFileSync(caFile, caPem);
    // The client certificate is asked for, not checked: APNs checks it against Apple's CA, the stand-in records it.
    const server = createSecureServer({ cert: certificatePem, key: keyPem, requestCert: true, rejectUnauthorized: false });
    await listen(server, 0);
    return new ApnsStandIn(server, (server.address() as AddressInfo).port, caFile, dir);
  }

  /** TLS connections accepted so far (the current one and closed ones). */
  get connections(): number {
    return this.clientSubjects.length;
  }

  /** Answers 410 Unregistered for these tokens from now on. */
  markUnregistered(...tokens: string[]): void {
    for (const token of tokens) this.unregistered.add(token);
  }

  /** Answers the next `count` requests, whatever they are, with this status, e.g. 429 or 503. */
  failNext(count: number, status: number, reason = REASONS[status] ?? 'Error'): void {
    this.failures = { status, reason, remaining: count };
  }

  /** Answers every request for this token with this status until told otherwise (null). */
  failToken(token: string, status: number | null, reason = (status && REASONS[status]) || 'Error'): void {
    if (status === null) this.failingTokens.delete(token);
    else this.failingTokens.set(token, { status, reason });
  }

  /** APNs unreachable: stops listening and drops the open connections; `resume()` listens again on the same port. */
  async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.destroy();
    await closed;
  }

  async resume(): Promise<void> {
    await listen(this.server, this.port);
  }

  /** The requests received so far, once there are at least `count`. */
  waitForRequests(count: number, timeoutMs = 5_000): Promise<RecordedPush[]> {
    if (this.requests.length >= count) return Promise.resolve(this.requests.slice());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`APNs stand-in: ${this.requests.length} of ${count} requests after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = () => {
        if (this.requests.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(this.requests.slice());
      };
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stopListening();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const path = single(headers[constants.HTTP2_HEADER_PATH]) ?? '';
      const token = DEVICE_PATH.exec(path)?.[1] ?? null;
      const push: RecordedPush = {
        method: single(headers[constants.HTTP2_HEADER_METHOD]) ?? '',
        path,
        token,
        headers: {
          'apns-topic': single(headers['apns-topic']),
          'apns-expiration': single(headers['apns-expiration']),
          'apns-push-type': single(headers['apns-push-type']),
          'apns-priority': single(headers['apns-priority']),
        },
        body: Buffer.concat(chunks),
        connection: (stream.session && this.connectionNumbers.get(stream.session)) ?? 0,
      };
      this.requests.push(push);
      this.answer(stream, push);
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  private answer(stream: ServerHttp2Stream, push: RecordedPush): void {
    const failure = this.nextFailure(push.token);
    if (failure) return respond(stream, failure.status, { reason: failure.reason });
    if (push.method !== 'POST') return respond(stream, 405, { reason: 'MethodNotAllowed' });
    if (push.token === null) return respond(stream, 404, { reason: 'BadPath' });
    if (push.body.length === 0) return respond(stream, 400, { reason: 'PayloadEmpty' });
    if (!push.headers['apns-topic']) return respond(stream, 400, { reason: 'MissingTopic' });
    if (!/^[0-9a-fA-F]{64}$/.test(push.token)) return respond(stream, 400, { reason: 'BadDeviceToken' });
    if (this.unregistered.has(push.token)) return respond(stream, 410, { reason: 'Unregistered', timestamp: Date.now() });
    respond(stream, 200, null);
  }

  private nextFailure(token: string | null): Failure | undefined {
    if (this.failures.remaining > 0) {
      this.failures.remaining -= 1;
      return this.failures;
    }
    return token === null ? undefined : this.failingTokens.get(token);
  }
}

function respond(stream: ServerHttp2Stream, status: number, body: object | null): void {
  if (stream.destroyed) return;
  const headers = { ':status': status, 'apns-id': randomUUID() };
  if (body === null) {
    stream.respond(headers, { endStream: true });
  } else {
    stream.respond({ ...headers, 'content-type': 'application/json' });
    stream.end(JSON.stringify(body));
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function subjectOf(socket: TLSSocket | undefined): string {
  const subject = socket?.getPeerCertificate?.()?.subject;
  if (!subject) return '';
  return Object.entries(subject)
    .map(([type, value]) => `${type}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function listen(server: Http2SecureServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A throwaway CA and a certificate it issued for localhost and 127.0.0.1 (P-256: quick to make). */
async function serverCertificate(): Promise<{ caPem: string; certificatePem: string; keyPem: string }> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 60 * 60_000);
  const caKeys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: 'CN=passgate APNs stand-in CA',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    },
    crypto,
  );
  const keys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: 'CN=localhost',
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    },
    crypto,
  );
  return {
    caPem: ca.toString('pem') + '\n',
    certificatePem: certificate.toString('pem') + '\n',
    keyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
