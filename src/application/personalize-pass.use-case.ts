import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { readPersonalizationRequest } from '../domain/personalization';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { PersonalizationTokenSigner } from '../domain/ports/personalization-token-signer';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';
import { loadWalletPass, WalletPassRequest } from './wallet-pass';

export interface PersonalizePassCommand extends WalletPassRequest {
  /** The request body as parsed JSON: Apple's PersonalizationDictionary, unchecked. */
  body: unknown;
}

/**
 * Rewards enrollment: stores the holder's answers on the pass (a new version, pushed to its
 * devices, whose package no longer offers enrollment) and returns the signature of the
 * personalization token, which Wallet checks before it fetches the personalized pass. Sending
 * the same answers again changes nothing and signs again, so a device whose first answer was
 * lost can retry.
 * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
 */
@Injectable()
export class PersonalizePass {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passChanges: PassChanges,
    private readonly signer: PersonalizationTokenSigner,
    private readonly clock: Clock,
  ) {}

  /** The DER signature to answer with (`application/octet-stream`). */
  async execute(command: PersonalizePassCommand): Promise<Buffer> {
    const { passType, personalizationToken } = await retryOnConcurrentChange(async () => {
      const { pass, passType } = await loadWalletPass(this.passTypes, this.passes, command);
      const template = await this.templates.findById(pass.templateId);
      if (!template?.personalization) {
        throw new DomainError(DomainErrorCode.PersonalizationNotOffered, `Pass ${pass.serialNumber} offers no personalization.`);
      }
      const request = readPersonalizationRequest(template.personalization, command.body);
      if (pass.isDeleted()) {
        // Devices are served a deleted pass as void; it takes no answers any more.
        throw new DomainError(DomainErrorCode.PassVoided, `Pass ${pass.serialNumber} is voided and cannot change.`);
      }
      const before = pass.version;
      pass.personalize(request.info, this.clock.now());
      if (pass.version !== before) await this.passChanges.save(pass);
      return { passType, personalizationToken: request.personalizationToken };
    });
    return this.signer.sign(passType, personalizationToken);
  }
}
