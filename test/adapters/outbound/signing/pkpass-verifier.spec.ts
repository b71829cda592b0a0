import { randomBytes } from 'node:crypto';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { PKPASS_CHECKS, verifyPkpass } from '../../../../src/adapters/outbound/signing/pkpass-verifier';
import { loadAppConfig } from '../../../../src/config/app-config';
import { passJsonOf, sha1Hex, unzipPkpass, zipPkpass } from '../../../support/pkpass';
import { packageInput } from '../../../support/signing-fixtures';
import { createThrowawayCerts, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

describe('verifyPkpass', () => {
  const packager = new PasskitGeneratorPassPackager(loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp'));
  let certs: ThrowawayCerts;
  let pkpass: Buffer;
  let files: Record<string, Buffer>;

  beforeAll(async () => {
    certs = await throwawayCerts();
    pkpass = await packager.package(packageInput(certs.material));
    files = unzipPkpass(pkpass);
  });

  const verify = (bytes: Buffer, trustedCaPems = [certs.ca.certificatePem], now = new Date()) =>
    verifyPkpass(bytes, { trustedCaPems, now });
  const failed = (report: { checks: Array<{ name: string; ok: boolean }> }) =>
    report.checks.filter((check) => !check.ok).map((check) => check.name);
  const rezip = (changes: Record<string, Buffer>) => zipPkpass({ ...files, ...changes });

  it('accepts a package signed by the packager, with every check in order', async () => {
    const report = await verify(pkpass);

    expect(report.checks.map((check) => check.name)).toEqual(Object.values(PKPASS_CHECKS));
    expect(failed(report)).toEqual([]);
    expect(report.valid).toBe(true);
    const expiry = report.checks.find((check) => check.name === PKPASS_CHECKS.expiry)!;
    expect(expiry.detail).toMatch(/^valid until \d{4}-\d{2}-\d{2}T/);
    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.signatureStructure)!.detail).toMatch(/signingTime/);
  });

  it.each([
    ['random bytes', () => randomBytes(2048)],
    ['an empty buffer', () => Buffer.alloc(0)],
    ['a truncated package', () => pkpass.subarray(0, pkpass.length / 2)],
  ])('reports %s as invalid without throwing', async (_name, bytes) => {
    const report = await verify(bytes());

    expect(report.valid).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: PKPASS_CHECKS.zip, ok: false });
    expect(report.checks).toHaveLength(Object.values(PKPASS_CHECKS).length);
  });

  it('reports a huge manifest as a failed manifest check', async () => {
    const huge: Record<string, string> = {};
    for (let index = 0; index < 60_000; index += 1) huge[`file-${index}.png`] = '0'.repeat(40);

    const report = await verify(rezip({ 'manifest.json': Buffer.from(JSON.stringify(huge)) }));

    expect(report.valid).toBe(false);
    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.manifest)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/larger than/),
    });
  });

  it('names a file missing from the manifest and a manifest entry without a file', async () => {
    const manifest = JSON.parse(files['manifest.json'].toString()) as Record<string, string>;
    manifest['ghost.png'] = sha1Hex(Buffer.from('ghost'));

    const report = await verify(rezip({ 'strip.png': Buffer.from('extra'), 'manifest.json': Buffer.from(JSON.stringify(manifest)) }));

    const detail = report.checks.find((check) => check.name === PKPASS_CHECKS.manifest)!.detail;
    expect(detail).toMatch(/strip\.png is not in the manifest/);
    expect(detail).toMatch(/ghost\.png/);
  });

  it('rejects a package without a signature', async () => {
    const { signature: _signature, ...unsigned } = files;

    const report = await verify(zipPkpass(unsigned));

    expect(failed(report)).toEqual(
      expect.arrayContaining([PKPASS_CHECKS.signatureStructure, PKPASS_CHECKS.signatureValue, PKPASS_CHECKS.chain]),
    );
  });

  it('rejects a signature that is not CMS', async () => {
    const report = await verify(rezip({ signature: randomBytes(300) }));

    expect(report.valid).toBe(false);
    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.signatureStructure)!.ok).toBe(false);
  });

  it('rejects a chain that does not lead to a trusted CA', async () => {
    const report = await verify(pkpass, [certs.otherCa.certificatePem]);

    expect(failed(report)).toEqual([PKPASS_CHECKS.chain]);
  });

  it('rejects a package when no trusted CA is given', async () => {
    const report = await verify(pkpass, []);

    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.chain)).toMatchObject({ ok: false, detail: 'no trusted CA given' });
  });

  it('reports an expired signer certificate with its date', async () => {
    const report = await verify(pkpass, [certs.ca.certificatePem], new Date('2100-01-01T00:00:00Z'));

    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.expiry)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/expired on \d{4}-/),
    });
  });

  it('rejects a pass.json whose identifiers differ from the certificate', async () => {
    const other = await createThrowawayCerts({ passTypeIdentifier: 'pass.test.other', teamIdentifier: 'OTHERTEAM1' });
    const signedByOther = await packager.package(packageInput(other.material));

    const report = await verify(signedByOther, [other.ca.certificatePem]);

    expect(failed(report)).toEqual([PKPASS_CHECKS.identifiers]);
    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.identifiers)!.detail).toMatch(/pass\.test\.other/);
  });

  it("reports a pass.json that fails passkit-generator's schema", async () => {
    const json = passJsonOf(files);
    delete json.organizationName;
    json.authenticationToken = 'short';

    const report = await verify(rezip({ 'pass.json': Buffer.from(JSON.stringify(json)) }));

    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.schema)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/authenticationToken/),
    });
  });

  it("reports a personalization.json that fails passkit-generator's Personalize schema, and passes a package without one", async () => {
    const offer = { description: 'Join', requiredPersonalizationFields: ['PKPassPersonalizationFieldShoeSize'] };

    const report = await verify(rezip({ 'personalization.json': Buffer.from(JSON.stringify(offer)) }));

    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.personalization)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/personalization\.requiredPersonalizationFields\.0/),
    });
    expect((await verify(pkpass)).checks.find((check) => check.name === PKPASS_CHECKS.personalization)).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^none/),
    });
  });

  it('reports pass.json that is not JSON', async () => {
    const report = await verify(rezip({ 'pass.json': Buffer.from('{not json') }));

    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.passJson)!.ok).toBe(false);
    expect(report.checks.find((check) => check.name === PKPASS_CHECKS.schema)!.detail).toMatch(/^not checked/);
  });
});
