import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
let outDir: string | undefined;

/**
 * Compiles src/ once per test worker, so tests run the real entry points. The output sits under
 * node_modules/.cache so that it resolves the project's packages like dist/ does.
 */
export function compiledEntry(entry: 'main' | 'cli'): string {
  return compiledFile(`${entry}.js`);
}

/** A file of the compiled src/ (`adapters/outbound/signing/pkpass-assembly.worker.js`), compiled once per test worker. */
export function compiledFile(path: string): string {
  if (!outDir) {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    outDir = mkdtempSync(join(cache, 'passgate-test-dist-'));
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir, '--tsBuildInfoFile', join(outDir, '.tsbuildinfo')],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }
  return join(outDir, path);
}

/** Removes this worker's compiled output; call from afterAll. */
export function removeCompiled(): void {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  outDir = undefined;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry to completion with the given environment (and nothing inherited but PATH). */
export function runEntry(
  entry: 'main' | 'cli',
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [compiledEntry(entry), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export const PROJECT_ROOT = ROOT;
