import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { DomainErrorCode } from '../../../../src/domain/errors';
import { packageInput } from '../../../support/signing-fixtures';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

// What every packager must do is in pass-packager.contract.ts, run against this one too.
describe('PasskitGeneratorPassPackager', () => {
  let certs: ThrowawayCerts;

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  it('opens the signing material once per pass type version', async () => {
    const input = packageInput(certs.material);
    const localPackager = new PasskitGeneratorPassPackager(loadAppConfig({}, '/tmp'));
    await localPackager.package(input);

    input.passType.privateKeyPem = 'not a key';
    await expect(localPackager.package(input)).resolves.toBeInstanceOf(Buffer);

    input.passType.updatedAt = new Date(input.passType.updatedAt.getTime() + 1);
    await expect(localPackager.package(input)).rejects.toMatchObject({ code: DomainErrorCode.SigningMaterialInvalid });
  });
});
