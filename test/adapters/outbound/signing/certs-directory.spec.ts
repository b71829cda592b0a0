import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertsDirectory } from '../../../../src/adapters/outbound/signing/certs-directory';
import { NodeCryptoCertificateReader } from '../../../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { opensslVerify, unzipPkpass } from '../../../support/pkpass';
import { packageInput } from '../../../support/signing-fixtures';
import { TEST_KEY_PASSPHRASE, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

describe('loadCertsDirectory', () => {
  const reader = new NodeCryptoCertificateReader();
  let certs: ThrowawayCerts;

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  function recordingLog() {
    const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
    return {
      lines,
      warn: (message: string) => lines.push({ level: 'warn', message }),
      info: (message: string) => lines.push({ level: 'info', message }),
    };
  }

  function certsDir(files: Record<string, string | Buffer> = {}): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'passgate-certs-dir-')), 'certs');
    if (Object.keys(files).length > 0) {
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  describe('with no signing material', () => {
    let dir: string;
    let first: Awaited<ReturnType<typeof loadCertsDirectory>>;
    const log = recordingLog();

    beforeAll(async () => {
      dir = certsDir();
      first = await loadCertsDirectory(dir, null, log);
    });

    it('creates the directory, a development CA and a signer for pass.dev.passgate.local', () => {
      expect(first.createdDevelopmentMaterial).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['dev-ca-key.pem', 'signer-cert.pem', 'signer-key.pem', 'wwdr.pem']);
      expect(reader.inspect(first.material)).toMatchObject({
        passTypeIdentifier: 'pass.dev.passgate.local',
        teamIdentifier: 'PASSGATEDV',
        development: true,
      });
      const wwdr = new X509Certificate(readFileSync(join(dir, 'wwdr.pem')));
      expect(wwdr.subject).toMatch(/CN=passgate Development WWDR stand-in/);
      expect(wwdr.ca).toBe(true);
      expect(wwdr.checkIssued(wwdr)).toBe(true);
      const signer = new X509Certificate(first.material.certificatePem);
      expect(signer.subject.split('\n')).toEqual([
        'UID=pass.dev.passgate.local',
        'CN=Pass Type ID: pass.dev.passgate.local',
        'OU=PASSGATEDV',
        'O=passgate development',
        'C=US',
      ]);
      expect(signer.ca).toBe(false);
      const years = (Date.parse(signer.validTo) - Date.parse(signer.validFrom)) / (365 * 24 * 3600 * 1000);
      expect(Math.round(years)).toBe(10);
      expect(createPrivateKey(first.material.privateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
      const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'signer-cert.pem')]).toString();
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/1\.2\.840\.113635\.100\.6\.1\.16:\s+\.\.pass\.dev\.passgate\.local/);
    });

    it("carries both of Apple's push-environment extensions (non-critical DER NULL), so node-apn pushes with it to any APNS_HOST", () => {
      const der = execFileSync('openssl', ['asn1parse', '-in', join(dir, 'signer-cert.pem')]).toString();

      // No BOOLEAN between an extension's OBJECT and its OCTET STRING: not critical.
      for (const oid of ['1\\.2\\.840\\.113635\\.100\\.6\\.3\\.1', '1\\.2\\.840\\.113635\\.100\\.6\\.3\\.2']) {
        expect(der).toMatch(new RegExp(`OBJECT +:${oid}\\n[^\\n]*OCTET STRING +\\[HEX DUMP\\]:0500\\n`));
      }
    });

    it('keeps the keys readable by their owner only', () => {
      expect(statSync(join(dir, 'signer-key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'dev-ca-key.pem')).mode & 0o777).toBe(0o600);
    });

    it('warns once that these passes will not install on an iPhone', () => {
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0].level).toBe('warn');
      expect(log.lines[0].message).toMatch(/will not install on an iPhone/);
      expect(log.lines[0].message).toMatch(/certs\/README\.md/);
    });

    it('signs packages that openssl verifies against wwdr.pem', async () => {
      const packager = new PasskitGeneratorPassPackager(loadAppConfig({}, dir));
      const input = packageInput(first.material);
      input.passType.passTypeIdentifier = 'pass.dev.passgate.local';
      input.passType.teamIdentifier = 'PASSGATEDV';

      const files = unzipPkpass(await packager.package(input));

      expect(opensslVerify(files, join(dir, 'wwdr.pem'))).toMatchObject({ ok: true });
    });

    it('reuses the material on the next start instead of creating new material', async () => {
      const again = recordingLog();
      const second = await loadCertsDirectory(dir, null, again);

      expect(second.createdDevelopmentMaterial).toBe(false);
      expect(second.material).toEqual(first.material);
      expect(again.lines.map((line) => line.message).join('\n')).not.toMatch(/created/);
    });
  });

  it('reads signer-cert.pem with an encrypted signer-key.pem and SIGNER_KEY_PASSPHRASE', async () => {
    const dir = certsDir({
      'wwdr.pem': certs.ca.certificatePem,
      'signer-cert.pem': certs.signer.certificatePem,
      'signer-key.pem': certs.encryptedLegacyMaterial.privateKeyPem,
    });

    const { material, createdDevelopmentMaterial } = await loadCertsDirectory(dir, TEST_KEY_PASSPHRASE, recordingLog());

    expect(createdDevelopmentMaterial).toBe(false);
    expect(material).toEqual(certs.encryptedLegacyMaterial);
  });

  it('reads signer.p12 with SIGNER_KEY_PASSPHRASE and a DER wwdr.pem', async () => {
    const work = mkdtempSync(join(tmpdir(), 'passgate-p12-'));
    writeFileSync(join(work, 'cert.pem'), certs.signer.certificatePem);
    writeFileSync(join(work, 'key.pem'), certs.signer.privateKeyPem);
    execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-in', join(work, 'cert.pem'), '-inkey', join(work, 'key.pem'), '-passout', 'pass:p12pw', '-out', join(work, 'signer.p12')]);
    const dir = certsDir({
      'wwdr.pem': new X509Certificate(certs.ca.certificatePem).raw,
      'signer.p12': readFileSync(join(work, 'signer.p12')),
    });

    const { material } = await loadCertsDirectory(dir, 'p12pw', recordingLog());

    expect(reader.inspect(material).passTypeIdentifier).toBe('pass.test.passgate.signing');
    await expect(loadCertsDirectory(dir, 'wrong', recordingLog())).rejects.toThrow(/signer\.p12: The password does not open/);
  });

  it.each([
    [{ 'signer-cert.pem': 'cert' }, /wwdr\.pem is missing/],
    [{ 'wwdr.pem': 'ca', 'signer-cert.pem': 'cert' }, /signer-key\.pem is missing/],
    [{ 'wwdr.pem': 'ca', 'signer-key.pem': 'key' }, /signer-cert\.pem is missing/],
    [{ 'wwdr.pem': 'ca' }, /has wwdr\.pem but no signer/],
    [{ 'wwdr.pem': 'ca', 'signer.p12': 'p12', 'signer-cert.pem': 'cert' }, /both signer\.p12 and signer-cert\.pem/],
  ])('refuses partial material %j without creating development material', async (files, message) => {
    const dir = certsDir(files);

    const failure = loadCertsDirectory(dir, null, recordingLog());

    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toThrow(/certs\/README\.md/);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
  });

  it('names the file that cannot be read', async () => {
    const dir = certsDir({ 'wwdr.pem': 'not a certificate', 'signer-cert.pem': certs.signer.certificatePem, 'signer-key.pem': certs.signer.privateKeyPem });

    await expect(loadCertsDirectory(dir, null, recordingLog())).rejects.toThrow(/wwdr\.pem is not a certificate.*certs\/README\.md/);
  });

  it('names the encrypted key that has no passphrase', async () => {
    const dir = certsDir({
      'wwdr.pem': certs.ca.certificatePem,
      'signer-cert.pem': certs.signer.certificatePem,
      'signer-key.pem': certs.encryptedPkcs8Material.privateKeyPem,
    });

    await expect(loadCertsDirectory(dir, null, recordingLog())).rejects.toThrow(
      /signer-key\.pem: the private key is encrypted and no passphrase was given \(SIGNER_KEY_PASSPHRASE/,
    );
  });

  it('refuses material that does not fit together', async () => {
    const dir = certsDir({
      'wwdr.pem': certs.otherCa.certificatePem,
      'signer-cert.pem': certs.signer.certificatePem,
      'signer-key.pem': certs.signer.privateKeyPem,
    });

    await expect(loadCertsDirectory(dir, null, recordingLog())).rejects.toThrow(/did not issue the signer certificate/);
    expect(existsSync(join(dir, 'dev-ca-key.pem'))).toBe(false);
  });
});

describe('loadCertsDirectory with a left-over development CA key', () => {
  it('refuses to write over it and says what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgate-certs-leftover-'));
    writeFileSync(join(dir, 'dev-ca-key.pem'), 'left over');
    await expect(loadCertsDirectory(dir, null, { warn: () => undefined, info: () => undefined })).rejects.toThrow(
      /dev-ca-key\.pem appeared .* remove the partial files/,
    );
    expect(readFileSync(join(dir, 'dev-ca-key.pem'), 'utf8')).toBe('left over');
  });
});
