import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassPackager } from '../domain/ports/pass-packager';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadWalletPass, WalletPassRequest } from './wallet-pass';

export type LatestPass =
  | { kind: 'not-modified'; lastModified: Date }
  | { kind: 'pass'; lastModified: Date; bytes: Buffer };

/**
 * The current version of a pass for a device. Whether the device already has it is decided from
 * `If-Modified-Since` before anything is built or signed; the package itself comes from the
 * packager's cache when this version was signed before.
 * @see https://developer.apple.com/documentation/walletpasses/send-an-updated-pass
 */
@Injectable()
export class GetLatestPass {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly packager: PassPackager,
  ) {}

  async execute(request: WalletPassRequest & { ifModifiedSince: string | undefined }): Promise<LatestPass> {
    const { pass, passType } = await loadWalletPass(this.passTypes, this.passes, request);
    if (pass.isUnmodifiedSince(request.ifModifiedSince)) return { kind: 'not-modified', lastModified: pass.lastModified };
    const template = await this.templates.findById(pass.templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${pass.templateId}.`);
    const bytes = await this.packager.package({ pass, template, passType });
    return { kind: 'pass', lastModified: pass.lastModified, bytes };
  }
}
