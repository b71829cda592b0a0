import { Controller, Get, Headers, Param, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BuildPassPackage } from '../../../application/build-pass-package.use-case';
import { OpenPublicPass } from '../../../application/open-public-pass.use-case';
import { AppConfig } from '../../../config/app-config';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import type { Pass } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';
import { DistributionExceptionFilter } from './distribution-exception.filter';
import { renderLandingPage } from './landing-page';
import { passLinks } from './pass-links';
import { PKPASS_CONTENT_TYPE, sendPassPackage } from './pass-package-response';
import { opensPassesNatively } from './user-agent';

const PASS_ID = /^[1-9]\d{0,14}$/;
const PKPASS_SUFFIX = '.pkpass';

const ID_PARAM = { name: 'id', description: 'Pass id', example: 199 } as const;
const TOKEN_DESCRIPTION = "The pass's 40-hex-digit web token (`web_token` in the Passdock API)";
const NOT_FOUND = {
  status: 404,
  description: 'No such pass: an unknown id, a wrong token or a pass not issued yet, without saying which',
} as const;

/**
 * The public links of issued passes (DESIGN.md, Public URLs), handed out as Passdock's
 * `download` / `render_html_url` and Skycore's `DOWNLOADURL` / `PASSLINK`. No API key: the
 * pass's web token is the credential, checked in constant time by OpenPublicPass.
 */
@ApiTags('Distribution')
@Controller()
@UseFilters(DistributionExceptionFilter)
export class DistributionController {
  constructor(
    private readonly openPublicPass: OpenPublicPass,
    private readonly buildPassPackage: BuildPassPackage,
    private readonly config: AppConfig,
  ) {}

  // The token and its `.pkpass` suffix share one path segment; the suffix is split off here
  // rather than in the route pattern so every malformed link ends in the same 404.
  @Get('passes/:id/:file')
  @ApiOperation({
    summary: 'Download a signed pass',
    description:
      'The `download` link of a pass: its signed `.pkpass`, built from the current version. ' +
      'No API key; the web token in the path is the credential.',
  })
  @ApiParam(ID_PARAM)
  @ApiParam({ name: 'file', description: `${TOKEN_DESCRIPTION} followed by \`.pkpass\``, example: 'cd4bf0e77e1c619ed55d78f5f2ead787b7c689f9.pkpass' })
  @ApiProduces(PKPASS_CONTENT_TYPE)
  @ApiResponse({ status: 200, description: 'The signed pass package (a zip), as an attachment named after its serial number' })
  @ApiResponse(NOT_FOUND)
  async download(@Param('id') id: string, @Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const webToken = file.endsWith(PKPASS_SUFFIX) ? file.slice(0, -PKPASS_SUFFIX.length) : null;
    await this.sendPackage(reply, await this.open(id, webToken));
  }

  @Get('p/:id/:webToken')
  @ApiOperation({
    summary: 'Landing page of a pass',
    description:
      'The `render_html_url` link of a pass. Safari on iOS, iPadOS and macOS receives the signed pass ' +
      'itself and offers to add it to Wallet; any other browser gets a small HTML page with the ' +
      "pass's description and a download link.",
  })
  @ApiParam(ID_PARAM)
  @ApiParam({ name: 'webToken', description: TOKEN_DESCRIPTION, example: 'cd4bf0e77e1c619ed55d78f5f2ead787b7c689f9' })
  @ApiProduces(PKPASS_CONTENT_TYPE, 'text/html')
  @ApiResponse({ status: 200, description: 'The signed pass (Safari on Apple devices) or an HTML page (other browsers)' })
  @ApiResponse(NOT_FOUND)
  async landingPage(
    @Param('id') id: string,
    @Param('webToken') webToken: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const opened = await this.open(id, webToken);
    const { pass, template } = opened;
    // The answer depends on the browser: caches must not hand Chrome's page to Safari.
    void reply.header('vary', 'User-Agent');
    if (opensPassesNatively(userAgent)) {
      await this.sendPackage(reply, opened);
      return;
    }
    this.sendPage(reply, pass, template);
  }

  private async open(id: string, webToken: string | null): Promise<{ pass: Pass; template: PassTemplate }> {
    if (!PASS_ID.test(id) || webToken === null) throw new DomainError(DomainErrorCode.PassNotFound, 'No such pass.');
    return this.openPublicPass.execute(Number(id), webToken);
  }

  private async sendPackage(reply: FastifyReply, opened: { pass: Pass; template: PassTemplate }): Promise<void> {
    const built = await this.buildPassPackage.forLoaded(opened);
    void sendPassPackage(reply, built.pass, built.bytes);
  }

  private sendPage(reply: FastifyReply, pass: Pass, template: PassTemplate): void {
    const html = renderLandingPage(template, pass, passLinks(this.config.publicBaseUrl, pass).download);
    void reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'private, no-cache')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
      .send(html);
  }
}
