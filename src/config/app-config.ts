import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { redactDatabaseUrl } from './database-url';

export type PushMode = 'apns' | 'log';

/**
 * Typed configuration, read once from the environment at start. The variable names are fixed
 * (DESIGN.md): operators and test tools outside the code use them. Every one is documented in
 * `config/.env.example`.
 */
export class AppConfig {
  readonly port!: number;
  readonly host!: string;
  /** Absolute base of every link handed out; no trailing slash. */
  readonly publicBaseUrl!: string;
  /** `sqlite:<path>` or `postgres://…` */
  readonly databaseUrl!: string;
  readonly certsDir!: string;
  /** Passphrase of `signer-key.pem` or `signer.p12` in CERTS_DIR, if encrypted. */
  readonly signerKeyPassphrase!: string | null;
  /** Unset (null): pushes for pass types with development certificates are logged, the others sent (PushModule). */
  readonly pushMode!: PushMode | null;
  readonly apnsHost!: string;
  readonly apnsPort!: number;
  readonly apnsCaFile!: string | null;
  readonly logLevel!: string;
  /** Hosts THUMBNAILURL images may come from (THUMBNAIL_URL_ALLOWED_HOSTS); empty refuses every URL. */
  readonly thumbnailUrlAllowedHosts!: readonly string[];
  readonly thumbnailUrlMaxBytes!: number;
  readonly thumbnailUrlTimeoutMs!: number;
  /** Memory bound of the signed-package cache (PACKAGE_CACHE_MAX_BYTES); 0 keeps packages only in the database. */
  readonly packageCacheMaxBytes!: number;
  /** Worker threads that build and sign packages (PACKAGE_BUILD_THREADS); 0 builds them on the event loop. */
  readonly packageBuildThreads!: number;

  /** `${PUBLIC_BASE_URL}/wallet`: the pass.json `webServiceURL`, without `/v1` (Apple appends it). */
  readonly webServiceUrl: string;

  constructor(values: Omit<AppConfig, 'webServiceUrl'>) {
    Object.assign(this, values);
    this.webServiceUrl = `${values.publicBaseUrl}/wallet`;
  }
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * 16 MiB: about 590 packages of the seed's size. The database tier behind it serves a package in
 * 46-88 µs on SQLite (`npm run bench`), a small part of a request; memory is the scarcer of the
 * two where the service runs within a few hundred megabytes. A package in this tier costs about
 * twice its size at the peak: it lives long enough to reach V8's old generation, and once evicted
 * its bytes (outside V8's heap) wait for a full collection (Passdock API benchmark, peak RSS of
 * three rounds: 317-356 MB with this tier off, 343-378 MB at 16 MiB, 338-407 MB at 32 MiB). Raise
 * it on PostgreSQL, where each miss is a round trip, if memory allows.
 */
const DEFAULT_PACKAGE_CACHE_MAX_BYTES = 16 * 1024 * 1024;

/** Each build thread is a V8 instance of its own (about 15 MB of RSS idle, 20-30 MB building); more than a few is a typo. */
const MAX_PACKAGE_BUILD_THREADS = 16;

/** Reads and validates the environment; every problem is reported at once, each naming its variable. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const text = (name: string): string | null => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? null : value.trim();
  };
  const portOf = (name: string, fallback: number, lowest: number): number => {
    const value = text(name);
    if (value === null) return fallback;
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < lowest || port > 65535) {
      problems.push(`${name}="${value}" is not a TCP port (${lowest}-65535).`);
      return fallback;
    }
    return port;
  };

  // PORT=0 asks the system for a free port (tests, several local instances).
  const port = portOf('PORT', 3000, 0);
  const apnsPort = portOf('APNS_PORT', 443, 1);

  let publicBaseUrl = text('PUBLIC_BASE_URL') ?? `http://localhost:${port}`;
  try {
    const url = new URL(publicBaseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    if (url.search || url.hash) throw new Error('query');
    publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
  } catch {
    problems.push(`PUBLIC_BASE_URL="${publicBaseUrl}" is not an absolute http(s) URL without query or fragment.`);
  }

  const databaseUrl = text('DATABASE_URL') ?? 'sqlite:data/passgate.sqlite';
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push(
      `DATABASE_URL="${redactDatabaseUrl(databaseUrl)}" must be sqlite:<path> or postgres://user@host:port/database.`,
    );
  }

  const certsDir = resolvePath(text('CERTS_DIR') ?? 'certs', cwd);

  const pushModeText = text('PUSH_MODE');
  let pushMode: PushMode | null = null;
  if (pushModeText !== null) {
    if (pushModeText === 'apns' || pushModeText === 'log') pushMode = pushModeText;
    else problems.push(`PUSH_MODE="${pushModeText}" must be "apns" or "log".`);
  }

  const apnsHost = text('APNS_HOST') ?? 'api.push.apple.com';
  if (!/^[A-Za-z0-9.-]+$/.test(apnsHost) && !/^\[[0-9a-fA-F:]+\]$/.test(apnsHost)) {
    problems.push(`APNS_HOST="${apnsHost}" is not a host name.`);
  }

  const apnsCaFileText = text('APNS_CA_FILE');
  const apnsCaFile = apnsCaFileText === null ? null : resolvePath(apnsCaFileText, cwd);
  if (apnsCaFile !== null && !existsSync(apnsCaFile)) {
    problems.push(`APNS_CA_FILE="${apnsCaFileText}": no such file.`);
  }

  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${logLevel}" must be one of ${LOG_LEVELS.join(', ')}.`);

  const packageCacheText = text('PACKAGE_CACHE_MAX_BYTES');
  const packageCacheMaxBytes = packageCacheText === null ? DEFAULT_PACKAGE_CACHE_MAX_BYTES : Number(packageCacheText);
  if (packageCacheText !== null && !(/^\d+$/.test(packageCacheText) && Number.isSafeInteger(packageCacheMaxBytes))) {
    problems.push(`PACKAGE_CACHE_MAX_BYTES="${packageCacheText}" must be a whole number of bytes (0 or more).`);
  }

  const packageBuildThreadsText = text('PACKAGE_BUILD_THREADS');
  const packageBuildThreads = packageBuildThreadsText === null ? defaultPackageBuildThreads(availableParallelism()) : Number(packageBuildThreadsText);
  if (packageBuildThreadsText !== null && !(/^\d+$/.test(packageBuildThreadsText) && packageBuildThreads <= MAX_PACKAGE_BUILD_THREADS)) {
    problems.push(`PACKAGE_BUILD_THREADS="${packageBuildThreadsText}" must be a whole number from 0 to ${MAX_PACKAGE_BUILD_THREADS}.`);
  }

  const thumbnailUrlAllowedHosts = (text('THUMBNAIL_URL_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  for (const host of thumbnailUrlAllowedHosts) {
    if (!/^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/.test(host)) {
      problems.push(`THUMBNAIL_URL_ALLOWED_HOSTS: "${host}" is not a host name (optionally with :port).`);
    }
  }
  const positive = (name: string, fallback: number): number => {
    const value = text(name);
    if (value === null) return fallback;
    const number = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
      problems.push(`${name}="${value}" must be a whole number greater than 0.`);
      return fallback;
    }
    return number;
  };
  const thumbnailUrlMaxBytes = positive('THUMBNAIL_URL_MAX_BYTES', 1024 * 1024);
  const thumbnailUrlTimeoutMs = positive('THUMBNAIL_URL_TIMEOUT_MS', 5000);

  if (problems.length > 0) throw new ConfigurationError(problems);

  return new AppConfig({
    port,
    host: text('HOST') ?? '0.0.0.0',
    publicBaseUrl,
    databaseUrl,
    certsDir,
    signerKeyPassphrase: env.SIGNER_KEY_PASSPHRASE ? env.SIGNER_KEY_PASSPHRASE : null,
    pushMode,
    apnsHost,
    apnsPort,
    apnsCaFile,
    logLevel,
    thumbnailUrlAllowedHosts,
    thumbnailUrlMaxBytes,
    thumbnailUrlTimeoutMs,
    packageCacheMaxBytes,
    packageBuildThreads,
  });
}

/**
 * Without PACKAGE_BUILD_THREADS: none on one core (a thread would only take turns with the event
 * loop), one with two, two with more. A build thread computes the RSA signature itself, so one
 * thread keeps one core busy, and in a push storm the event loop spends about as much CPU per
 * device as a thread spends on its package; beyond two, each thread's 20-30 MB of memory buys
 * nothing the event loop could serve.
 */
export function defaultPackageBuildThreads(cores: number): number {
  return Math.max(0, Math.min(cores - 1, 2));
}

function resolvePath(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
