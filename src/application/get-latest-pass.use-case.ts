import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassPackager } from '../domain/ports/pass-packager';
import { PassRepository } from '../domain/ports/pass.repository';
import { WalletPassIndex } from '../domain/ports/wallet-pass-index';
import { findWalletPassEntry, loadWalletPassOfType, passNotAuthorized, WalletPassRequest } from './wallet-pass';

export type LatestPass =
  | { kind: 'not-modified'; lastModified: Date }
  | { kind: 'pass'; lastModified: Date; bytes: Buffer };

/**
 * The current version of a pass for a device. One index lookup authenticates the request, decides
 * from `If-Modified-Since` whether the device already has this version, and names the package
 * built for it before; only a version never built loads the pass and has it signed. A template
 * change makes every device of its passes ask at once: that is the path most of them take, so it
 * reads the pass alone and takes its template and pass type at the versions the lookup named,
 * which the repositories keep in memory.
 * @see https://developer.apple.com/documentation/walletpasses/send-an-updated-pass
 */
@Injectable()
export class GetLatestPass {
  constructor(
    private readonly walletPasses: WalletPassIndex,
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly packager: PassPackager,
  ) {}

  async execute(request: WalletPassRequest & { ifModifiedSince: string | undefined }): Promise<LatestPass> {
    const entry = await findWalletPassEntry(this.walletPasses, request);
    if (entry.isUnmodifiedSince(request.ifModifiedSince)) return { kind: 'not-modified', lastModified: entry.lastModified };
    const built = await this.packager.findBuilt(entry.packageVersion);
    if (built !== null) return { kind: 'pass', lastModified: entry.lastModified, bytes: built };

    // Loaded anew: it may have changed since the lookup, and then its newer version is the one to build.
    const seen = entry.packageVersion;
    const pass = await loadWalletPassOfType(this.passes, seen.passTypeId, request);
    // A change of a template's design gives each of its passes a new version in the same
    // transaction (PassChanges.touchTemplate): while the pass is at the version the lookup saw,
    // the design of the template version it saw is the current one. Otherwise the template is
    // read as stored now, at least as new as the pass just read.
    const unchanged = pass.version === seen.passVersion && pass.templateId === seen.templateId;
    const [template, passType] = await Promise.all([
      unchanged ? this.templates.findAtVersion(seen.templateId, seen.templateUpdatedAt) : this.templates.findById(pass.templateId),
      this.passTypes.findAtVersion(seen.passTypeId, seen.passTypeUpdatedAt),
    ]);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${pass.templateId}.`);
    if (!passType) throw passNotAuthorized();
    const bytes = await this.packager.package({ pass, template, passType });
    return { kind: 'pass', lastModified: pass.lastModified, bytes };
  }
}
