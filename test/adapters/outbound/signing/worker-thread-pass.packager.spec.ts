import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerThreadPassPackager } from '../../../../src/adapters/outbound/signing/worker-thread-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { compiledFile, removeCompiled } from '../../../support/compiled-service';
import { opensslVerify, sha1Hex, unzipPkpass } from '../../../support/pkpass';
import { packageInput } from '../../../support/signing-fixtures';
import { createThrowawayCerts, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

/**
 * What the PassPackager contract does not reach: the threads themselves. The contract
 * (pass-packager.contract.spec.ts) checks the packages and errors this packager makes.
 */
describe('WorkerThreadPassPackager', () => {
  const webServiceUrl = loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp').webServiceUrl;
  let certs: ThrowawayCerts;
  let directory: string;
  let workerFile: string;
  const packagers: WorkerThreadPassPackager[] = [];
  const packagerWith = (threads: number, file = workerFile, stallMs?: number) => {
    const packager = new WorkerThreadPassPackager(webServiceUrl, threads, file, stallMs);
    packagers.push(packager);
    return packager;
  };

  beforeAll(async () => {
    certs = await throwawayCerts();
    directory = mkdtempSync(join(tmpdir(), 'passgate-build-threads-'));
    workerFile = compiledFile('adapters/outbound/signing/pkpass-assembly.worker.js');
  });

  afterAll(async () => {
    await Promise.all(packagers.map((packager) => packager.onApplicationShutdown()));
    rmSync(directory, { recursive: true, force: true });
    removeCompiled();
  });

  /** The real build thread, except that the job of the pass with serial number `serial` makes it do `behaviour`. */
  function workerThat(behaviour: string, serial: string): string {
    const file = join(directory, `${serial}.js`);
    writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');\n` +
        `const on = parentPort.on.bind(parentPort);\n` +
        `parentPort.on = (event, listener) => on(event, event !== 'message' ? listener : (job) => {\n` +
        `  if (job.assembly.serialNumber !== ${JSON.stringify(serial)}) return listener(job);\n` +
        `  ${behaviour}\n` +
        `});\n` +
        `require(${JSON.stringify(workerFile)});\n`,
    );
    return file;
  }

  const inputFor = (serialNumber: string) => {
    const input = packageInput(certs.material);
    input.pass.serialNumber = serialNumber;
    return input;
  };

  it('starts threads on demand, up to its count, and builds packages openssl verifies', async () => {
    const packager = packagerWith(2);
    expect(packager.threadUsage).toEqual({ threads: 0, jobs: 0 });

    // An image large enough to reach the thread in shared memory, the same one for every pass.
    const logo = Buffer.alloc(4096, 7);
    const inputs = Array.from({ length: 6 }, (_, index) => {
      const input = inputFor(`S-${index}`);
      input.template.images = { ...input.template.images, 'logo@2x.png': logo };
      return input;
    });
    const building = inputs.map((input) => packager.package(input));
    expect(packager.threadUsage).toEqual({ threads: 2, jobs: 6 });
    const packages = await Promise.all(building);

    expect(packager.threadUsage).toEqual({ threads: 2, jobs: 0 });
    for (const bytes of packages) {
      const files = unzipPkpass(bytes);
      expect(opensslVerify(files, certs.caFile).ok).toBe(true);
      expect(files['logo@2x.png']).toEqual(logo);
      // The shared image's digest is computed once, on the event loop; it must still be its bytes'.
      const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as Record<string, string>;
      for (const [name, bytes] of Object.entries(files)) if (name !== 'manifest.json' && name !== 'signature') expect([name, manifest[name]]).toEqual([name, sha1Hex(bytes)]);
    }
  });

  it("sends a pass type's signing material to a thread with its first package, and again only once it changed", async () => {
    // Every job reaches the real build; a REPORT job answers which of the jobs before it carried material.
    const file = join(directory, 'material-watch.js');
    writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');\n` +
        `const on = parentPort.on.bind(parentPort);\n` +
        `const carried = [];\n` +
        `parentPort.on = (event, listener) => on(event, event !== 'message' ? listener : (job) => {\n` +
        `  if (job.assembly.serialNumber === 'REPORT') return parentPort.postMessage({ id: job.id, bytes: JSON.stringify(carried) });\n` +
        `  carried.push(job.material !== undefined);\n` +
        `  listener(job);\n` +
        `});\n` +
        `require(${JSON.stringify(workerFile)});\n`,
    );
    const packager = packagerWith(1, file);
    const passType = inputFor('A').passType;
    const ofPassType = (serialNumber: string) => ({ ...inputFor(serialNumber), passType });

    const before = [await packager.package(ofPassType('A')), await packager.package(ofPassType('B'))];
    const otherPassType = await packager.package(inputFor('OTHER'));
    const replaced = await createThrowawayCerts();
    passType.replaceMaterial(replaced.material, new Date('2035-01-01T00:00:00Z'), true, new Date());
    const after = [await packager.package(ofPassType('C')), await packager.package(ofPassType('D'))];
    const carried = JSON.parse((await packager.package(inputFor('REPORT'))).toString('latin1')) as boolean[];

    expect(carried).toEqual([true, false, true, true, false]);
    for (const bytes of [...before, otherPassType]) expect(opensslVerify(unzipPkpass(bytes), certs.caFile).ok).toBe(true);
    for (const bytes of after) {
      expect(opensslVerify(unzipPkpass(bytes), replaced.caFile).ok).toBe(true);
      expect(opensslVerify(unzipPkpass(bytes), certs.caFile).ok).toBe(false);
    }
  });

  it('hands the thread images of 1 KiB or more in shared memory and smaller files as copies', async () => {
    const describeFiles =
      'parentPort.postMessage({ id: job.id, bytes: JSON.stringify(Object.entries(job.assembly.files).map(' +
      '([name, bytes]) => [name, bytes.byteLength, bytes.buffer instanceof SharedArrayBuffer])) });';
    const packager = packagerWith(1, workerThat(describeFiles, 'PROBE'));
    const input = inputFor('PROBE');
    // The probe answers before any build: the image's bytes need only their size.
    input.template.images = { ...input.template.images, 'logo@2x.png': Buffer.alloc(4096, 1) };
    input.template.localizations = { fr: { Gate: 'Porte' } };

    const files = JSON.parse((await packager.package(input)).toString('latin1')) as Array<[string, number, boolean]>;

    expect(files.map(([name]) => name).sort()).toEqual([...Object.keys(input.template.images), 'fr.lproj/pass.strings'].sort());
    for (const [name, size, shared] of files) expect([name, shared]).toEqual([name, size >= 1024]);
    expect(files.filter(([, , shared]) => shared).length).toBeGreaterThan(0);
    expect(files.filter(([, , shared]) => !shared).length).toBeGreaterThan(0);
  });

  it('fails a package that cannot be handed to a thread on its own, holding nothing for it', async () => {
    const packager = packagerWith(1);
    const input = inputFor('UNCLONEABLE');
    // Nothing the domain makes, but what structured clone refuses: the job never reaches the thread.
    (input.pass as unknown as { barcodeMessage: unknown }).barcodeMessage = Symbol('not data');

    await expect(packager.package(input)).rejects.toThrow(/could not be cloned|Symbol/);
    expect(packager.threadUsage).toEqual({ threads: 1, jobs: 0 });
    // The pass type's material went nowhere with it: the next package of that pass type is signed.
    const next = await packager.package({ ...inputFor('NEXT'), passType: input.passType });
    expect(opensslVerify(unzipPkpass(next), certs.caFile).ok).toBe(true);
  });

  it('fails the jobs of a thread that exits, and starts another for the next package', async () => {
    const packager = packagerWith(1, workerThat('process.exit(3);', 'CRASH'));
    const crash = packager.package(inputFor('CRASH'));
    const sameThread = packager.package(inputFor('QUEUED'));

    await expect(crash).rejects.toThrow('a package build thread stopped (exit code 3)');
    await expect(sameThread).rejects.toThrow('a package build thread stopped (exit code 3)');
    expect(packager.threadUsage).toEqual({ threads: 0, jobs: 0 });

    const bytes = await packager.package(inputFor('AFTER'));
    expect(opensslVerify(unzipPkpass(bytes), certs.caFile).ok).toBe(true);
    expect(packager.threadUsage.threads).toBe(1);
  });

  it('fails the jobs of a thread that throws, naming the error', async () => {
    const packager = packagerWith(1, workerThat("throw new Error('out of sorts');", 'THROW'));

    await expect(packager.package(inputFor('THROW'))).rejects.toThrow(
      'a package build thread failed: out of sorts',
    );
    expect(packager.threadUsage).toEqual({ threads: 0, jobs: 0 });
  });

  it('stops its threads on application shutdown, failing what they still held', async () => {
    const packager = packagerWith(1, workerThat('/* never answers */ return;', 'HANG'));
    await packager.package(inputFor('WARM'));
    const hanging = packager.package(inputFor('HANG'));

    await packager.onApplicationShutdown();

    await expect(hanging).rejects.toThrow(/package build thread/);
    expect(packager.threadUsage).toEqual({ threads: 0, jobs: 0 });
  });

  it('stops a thread that answers nothing for too long, failing its jobs, and builds the next package on a new one', async () => {
    // Long enough for a cold thread's first package on a loaded machine.
    const packager = packagerWith(1, workerThat('/* never answers */ return;', 'WEDGED'), 2_000);
    await packager.package(inputFor('WARM'));

    await expect(packager.package(inputFor('WEDGED'))).rejects.toThrow(/answered nothing for 2000 ms and was stopped/);
    expect(packager.threadUsage).toEqual({ threads: 0, jobs: 0 });
    const next = await packager.package(inputFor('AFTER'));

    expect(opensslVerify(unzipPkpass(next), certs.caFile).ok).toBe(true);
    expect(packager.threadUsage).toEqual({ threads: 1, jobs: 0 });
  });

  it('keeps a thread that goes on answering, however long its queue takes in all', async () => {
    // SLOW jobs are answered one at a time, 100 ms apart: 30 of them take 3 s, longer than the 2 s allowed for one answer.
    const oneAfterAnother = 'globalThis.queue = (globalThis.queue ?? Promise.resolve()).then(() => new Promise((next) => setTimeout(next, 100))).then(() => listener(job));';
    const packager = packagerWith(1, workerThat(oneAfterAnother, 'SLOW'), 2_000);
    await packager.package(inputFor('WARM'));

    const packages = await Promise.all(Array.from({ length: 30 }, () => packager.package(inputFor('SLOW'))));

    expect(packages.every((bytes) => opensslVerify(unzipPkpass(bytes), certs.caFile).ok)).toBe(true);
    expect(packager.threadUsage).toEqual({ threads: 1, jobs: 0 });
  }, 20_000);

  it('refuses a thread count below one', () => {
    expect(() => new WorkerThreadPassPackager(webServiceUrl, 0, workerFile)).toThrow(/at least one thread/);
  });

  it('cannot start from TypeScript sources, where the thread file is not compiled', () => {
    expect(WorkerThreadPassPackager.canStart()).toBe(false);
    expect(WorkerThreadPassPackager.canStart(workerFile)).toBe(true);
  });
});
