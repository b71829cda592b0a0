import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FindPassesByBarcode } from '../../../application/find-passes-by-barcode.use-case';
import { ListPassDevices } from '../../../application/list-pass-devices.use-case';
import { AppConfig } from '../../../config/app-config';
import type { Account } from '../../../domain/account';
import { DomainErrorCode } from '../../../domain/errors';
import { ApiTokenGuard } from './api-token.guard';
import { PassdockRequestError, RequestProblemCode } from './passdock-errors';
import { PassdockExceptionFilter } from './passdock-exception.filter';
import { CurrentAccount, Params } from './passdock-http';
import { FLAG, JsonResponse, PASS_SCHEMA, PASSDOCK_TAG_PASSES, PassdockErrorResponses, PassdockOperation, SEARCH_ITEM_SCHEMA } from './passdock-openapi';
import { MAX_PAGE_SIZE } from './passdock-pages';
import { PassdockParams } from './passdock-params';
import { presentPass, presentSearchItem, type PassdockPass, type PassdockSearchItem } from './passdock-presenter';

/** `GET /passes/search?code=…`: a pass by its barcode message, across the account's templates (reference §4.9). */
@ApiTags(PASSDOCK_TAG_PASSES)
@ApiSecurity('api_token')
@Controller('api/v1/passes')
@UseGuards(ApiTokenGuard)
@UseFilters(PassdockExceptionFilter)
export class PassdockPassSearchController {
  constructor(
    private readonly findPassesByBarcode: FindPassesByBarcode,
    private readonly listPassDevices: ListPassDevices,
    private readonly config: AppConfig,
  ) {}

  @Get('search')
  @PassdockOperation(
    'Find a pass by its barcode message',
    "Searches all your templates for the pass whose own barcode message is `code` (spaces as %20) and answers it whole; " +
      'the oldest when several match. many=true (passgate extension) answers every match as short items.',
  )
  @ApiQuery({ name: 'code', required: true, description: 'The barcode message', example: 'QRRSNDKAIUDS923' })
  @FLAG('many', 'passgate extension: true answers a list of {code, download, family_id, id, redeemed_at, serial_number, type, web_token}')
  @JsonResponse(200, 'The pass, or the list with many=true', { oneOf: [PASS_SCHEMA, { type: 'array', items: SEARCH_ITEM_SCHEMA }] })
  @PassdockErrorResponses(400, 401, 404)
  async search(@CurrentAccount() account: Account, @Params() params: PassdockParams): Promise<PassdockPass | PassdockSearchItem[]> {
    const code = params.text('code');
    if (!code) {
      throw new PassdockRequestError([{ code: RequestProblemCode.ParameterMissing, field: 'code', message: 'The code parameter is required.' }]);
    }
    const many = params.flag('many');
    const found = await this.findPassesByBarcode.execute(account.id, code, many ? MAX_PAGE_SIZE : 1);
    const base = this.config.publicBaseUrl;
    if (many) return found.map(({ pass, template }) => presentSearchItem(base, pass, template));
    if (found.length === 0) {
      throw new PassdockRequestError([{ code: DomainErrorCode.PassNotFound, field: 'code', message: 'No pass has this barcode message.' }]);
    }
    return presentPass(base, found[0].pass, found[0].template, await this.listPassDevices.execute(account.id, found[0].pass.id));
  }
}
