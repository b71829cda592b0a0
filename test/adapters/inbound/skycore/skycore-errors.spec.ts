import { DOMAIN_ERROR_TABLE, failureFor, SkycoreFailure } from '../../../../src/adapters/inbound/skycore/skycore-errors';
import { DomainError, DomainErrorCode } from '../../../../src/domain/errors';

const domain = (code: DomainErrorCode, details: Record<string, number> = {}) => new DomainError(code, `message of ${code}`, details);

describe('Skycore error mapping', () => {
  it('maps the domain errors a client can cause to their Skycore codes', () => {
    const cases: Array<[DomainErrorCode, string]> = [
      [DomainErrorCode.TemplateNotFound, 'E802'],
      [DomainErrorCode.PassNotFound, 'E808'],
      [DomainErrorCode.BarcodeMessageRequired, 'E803'],
      [DomainErrorCode.RecipientEmailInvalid, 'E804'],
      [DomainErrorCode.RecipientPhoneInvalid, 'E805'],
      [DomainErrorCode.RecipientIdInvalid, 'E829'],
      [DomainErrorCode.RecipientRequired, 'E833'],
    ];
    for (const [code, expected] of cases) {
      expect(failureFor(domain(code), 'addpassdata')).toEqual({ failure: expect.objectContaining({ code: expected }), internal: false });
    }
  });

  it('gives location and beacon slots their slot\'s code', () => {
    expect(failureFor(domain(DomainErrorCode.LocationNotDynamic, { slot: 3 }), 'updatepass').failure.code).toBe('E872');
    expect(failureFor(domain(DomainErrorCode.BeaconNotDynamic, { slot: 10 }), 'updatepass').failure.code).toBe('E959');
  });

  it('answers client mistakes without a code of their own as E100 with the domain\'s message', () => {
    for (const code of [DomainErrorCode.FieldValueInvalid, DomainErrorCode.ImageNotAllowed, DomainErrorCode.PassVoided]) {
      const { failure, internal } = failureFor(domain(code), 'updatepass');
      expect(internal).toBe(false);
      expect(failure).toMatchObject({ code: 'E100', info: `Invalid request: message of ${code}` });
    }
    expect(failureFor(domain(DomainErrorCode.RemoteImageRefused), 'generatepass').failure.info).toMatch(/^Invalid request: THUMBNAILURL refused: /);
  });

  it('answers internal failures with the action\'s code and no detail', () => {
    const cases: Array<[string | null, string]> = [
      ['addpassdata', 'E806'],
      ['updatepass', 'E809'],
      ['deletepassdata', 'E821'],
      ['generatepassbyid', 'E830'],
      ['generatepass', 'E830'],
      ['getpasstemplate', 'E100'],
      [null, 'E100'],
    ];
    for (const [action, code] of cases) {
      for (const error of [new Error('secret detail'), domain(DomainErrorCode.PassChangedConcurrently), 'thrown text']) {
        const { failure, internal } = failureFor(error, action);
        expect(internal).toBe(true);
        expect(failure.code).toBe(code);
        expect(failure.info).not.toMatch(/secret|message of|thrown/);
      }
    }
  });

  it('passes Skycore failures through', () => {
    const failure = new SkycoreFailure('E843', 'PRIMARYVALUE1 is not accepted.');
    expect(failureFor(failure, 'addpassdata')).toEqual({ failure, internal: false });
  });

  it('has an entry for every domain error code', () => {
    expect(Object.keys(DOMAIN_ERROR_TABLE).sort()).toEqual(Object.values(DomainErrorCode).sort());
  });
});
