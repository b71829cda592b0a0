import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';

export type PkpassFiles = Record<string, Buffer>;

export function unzipPkpass(bytes: Buffer): PkpassFiles {
  const files: PkpassFiles = {};
  for (const [name, content] of Object.entries(unzipSync(Uint8Array.from(bytes)))) files[name] = Buffer.from(content);
  return files;
}

export function zipPkpass(files: PkpassFiles): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, content]) => [name, Uint8Array.from(content)]))));
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function passJsonOf(files: PkpassFiles): Record<string, unknown> {
  return JSON.parse(files['pass.json'].toString('utf8')) as Record<string, unknown>;
}

/**
 * Verifies the detached signature over manifest.json the way DESIGN.md asks packages to be checked:
 * `openssl smime -verify -binary -inform DER -in signature -content manifest.json -CAfile <ca> -purpose any`.
 */
export function opensslVerify(files: PkpassFiles, caFile: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'passgate-smime-'));
  try {
    writeFileSync(join(dir, 'signature'), files['signature'] ?? Buffer.alloc(0));
    writeFileSync(join(dir, 'manifest.json'), files['manifest.json'] ?? Buffer.alloc(0));
    const args = ['smime', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'signature')];
    args.push('-content', join(dir, 'manifest.json'), '-CAfile', caFile, '-purpose', 'any', '-out', join(dir, 'out'));
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
