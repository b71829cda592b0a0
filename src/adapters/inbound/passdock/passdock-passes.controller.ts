import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BuildPassPackage } from '../../../application/build-pass-package.use-case';
import { DeletePass } from '../../../application/delete-pass.use-case';
import { FindPassBySerialNumber } from '../../../application/find-pass-by-serial-number.use-case';
import { GetPass } from '../../../application/get-pass.use-case';
import { GetTemplate } from '../../../application/get-template.use-case';
import { IssueOrUpdatePass } from '../../../application/issue-or-update-pass.use-case';
import { ListPassDevices } from '../../../application/list-pass-devices.use-case';
import { ListTemplatePasses } from '../../../application/list-template-passes.use-case';
import { RedeemPass } from '../../../application/redeem-pass.use-case';
import { UpdatePass } from '../../../application/update-pass.use-case';
import { AppConfig } from '../../../config/app-config';
import type { Account } from '../../../domain/account';
import { DomainErrorCode } from '../../../domain/errors';
import type { Pass } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';
import { sendPassPackage } from '../distribution/pass-package-response';
import { ApiTokenGuard } from './api-token.guard';
import { PassdockRequestError, RequestProblemCode } from './passdock-errors';
import { PassdockExceptionFilter } from './passdock-exception.filter';
import { CurrentAccount, Params } from './passdock-http';
import { PassId, TemplateId } from './passdock-id.pipe';
import {
  ACK_SCHEMA,
  COMPACT_PASS_SCHEMA,
  DEBUG_FLAG,
  DEVICE_SCHEMA,
  ERRORS_FLAG,
  FLAG,
  ID_SCHEMA,
  JsonResponse,
  PASS_EXAMPLE,
  PASS_ID_PARAM,
  PASS_RESPONSES,
  PASS_SCHEMA,
  PASS_WRITE_BODY,
  PASSDOCK_TAG_PASSES,
  PassdockErrorResponses,
  PassdockOperation,
  PKPASS_PRODUCES,
  SEARCH_ITEM_SCHEMA,
  TEMPLATE_ID_PARAM,
} from './passdock-openapi';
import { readPage } from './passdock-pages';
import { PassdockParams } from './passdock-params';
import {
  presentAck,
  presentCompact,
  presentDevices,
  presentPass,
  presentSearchItem,
  type PassdockAck,
  type PassdockCompactPass,
  type PassdockDevice,
  type PassdockPass,
  type PassdockSearchItem,
} from './passdock-presenter';
import { readPassWrite } from './pass-request';

/** Passdock's pass endpoints under a template (reference §4, create-pass page). */
@ApiTags(PASSDOCK_TAG_PASSES)
@ApiSecurity('api_token')
@Controller('api/v1/templates/:template_id/passes')
@UseGuards(ApiTokenGuard)
@UseFilters(PassdockExceptionFilter)
export class PassdockPassesController {
  constructor(
    private readonly listTemplatePasses: ListTemplatePasses,
    private readonly findPassBySerialNumber: FindPassBySerialNumber,
    private readonly getPass: GetPass,
    private readonly getTemplate: GetTemplate,
    private readonly issueOrUpdatePass: IssueOrUpdatePass,
    private readonly updatePass: UpdatePass,
    private readonly redeemPass: RedeemPass,
    private readonly deletePass: DeletePass,
    private readonly buildPassPackage: BuildPassPackage,
    private readonly listPassDevices: ListPassDevices,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @PassdockOperation('List the passes of a template', 'Issued passes by ascending id, 100 per page; compact=true gives the short form.')
  @TEMPLATE_ID_PARAM
  @FLAG('compact', 'true: {download, family_id, id, redeemed_at, web_token} per pass')
  @ApiQuery({ name: 'page', required: false, description: 'Page, from 1', schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'per_page', required: false, description: 'passgate extension: page size, 1-500 (default 100)', schema: { type: 'integer' } })
  @JsonResponse(200, 'The passes (whole, or compact)', { oneOf: [{ type: 'array', items: PASS_SCHEMA }, { type: 'array', items: COMPACT_PASS_SCHEMA }] })
  @PassdockErrorResponses(400, 401, 404)
  async list(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Params() params: PassdockParams,
  ): Promise<PassdockPass[] | PassdockCompactPass[]> {
    const { template, passes } = await this.listTemplatePasses.execute(account.id, templateId, readPage(params));
    const base = this.config.publicBaseUrl;
    if (params.flag('compact')) return passes.map((pass) => presentCompact(base, pass));
    const devices = await this.listPassDevices.ofLoaded(passes);
    return passes.map((pass) => presentPass(base, pass, template, devices.get(pass.id) ?? []));
  }

  // Declared before ':id' for readability; Fastify prefers the fixed segment anyway.
  @Get('search')
  @PassdockOperation(
    'Find a pass by serial number',
    'The pass of this template with the serial number. many=true answers a list of short items instead (empty when none).',
  )
  @TEMPLATE_ID_PARAM
  @ApiQuery({ name: 'serial_number', required: true, description: 'Serial number', example: '1234567' })
  @FLAG('many', 'true: a list of {code, download, family_id, id, redeemed_at, serial_number, type, web_token}')
  @JsonResponse(200, 'The pass, or the list with many=true', { oneOf: [PASS_SCHEMA, { type: 'array', items: SEARCH_ITEM_SCHEMA }] })
  @PassdockErrorResponses(400, 401, 404)
  async searchBySerialNumber(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Params() params: PassdockParams,
  ): Promise<PassdockPass | PassdockSearchItem[]> {
    const serialNumber = params.text('serial_number');
    if (!serialNumber) {
      throw new PassdockRequestError([
        { code: RequestProblemCode.ParameterMissing, field: 'serial_number', message: 'The serial_number parameter is required.' },
      ]);
    }
    const { template, pass } = await this.findPassBySerialNumber.execute(account.id, templateId, serialNumber);
    const base = this.config.publicBaseUrl;
    if (params.flag('many')) return pass ? [presentSearchItem(base, pass, template)] : [];
    if (!pass) {
      throw new PassdockRequestError([
        { code: DomainErrorCode.PassNotFound, field: 'serial_number', message: `No pass with serial number ${serialNumber}.` },
      ]);
    }
    return presentPass(base, pass, template, await this.listPassDevices.execute(account.id, pass.id));
  }

  @Get(':id/devices')
  @PassdockOperation(
    'List the devices of a pass',
    'The devices that installed the pass and follow its updates through the Wallet web service, oldest registration first. ' +
      '`id` is a stable digest of the device, not Wallet\'s device library identifier (a secret of the device).',
  )
  @TEMPLATE_ID_PARAM
  @PASS_ID_PARAM
  @JsonResponse(200, 'The devices', { type: 'array', items: DEVICE_SCHEMA })
  @PassdockErrorResponses(401, 404)
  async devices(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Param('id', PassId) id: number,
  ): Promise<PassdockDevice[]> {
    await this.getPass.execute(account.id, id, templateId);
    const registrations = await this.listPassDevices.execute(account.id, id);
    return presentDevices(account.id, [...registrations].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()));
  }

  @Get(':id')
  @PassdockOperation(
    'Show a pass',
    'The whole pass with its values. show=true answers the signed .pkpass itself (how the Ruby and Python SDKs download passes).',
  )
  @TEMPLATE_ID_PARAM
  @PASS_ID_PARAM
  @FLAG('show', 'true: answer the signed pass (application/vnd.apple.pkpass)')
  @PKPASS_PRODUCES
  @ApiResponse({
    status: 200,
    description: 'The pass, or with show=true the signed package',
    content: { 'application/json': { schema: PASS_SCHEMA, example: PASS_EXAMPLE }, 'application/vnd.apple.pkpass': { schema: { type: 'string', format: 'binary' } } },
  })
  @PassdockErrorResponses(401, 404)
  async show(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Param('id', PassId) id: number,
    @Params() params: PassdockParams,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { pass, template } = await this.getPass.execute(account.id, id, templateId);
    if (!params.flag('show')) {
      const devices = await this.listPassDevices.execute(account.id, pass.id);
      void reply.status(200).send(presentPass(this.config.publicBaseUrl, pass, template, devices));
      return;
    }
    const built = await this.buildPassPackage.forLoaded({ pass, template });
    void sendPassPackage(reply, built.pass, built.bytes);
  }

  @Post()
  @PassdockOperation(
    'Create a pass',
    'Issues a pass of the template with the given keys and values. A serial number the template already has updates ' +
      'that pass instead (200); a new one creates it (201). With debug=true the answer is the whole pass, status 200 ' +
      '(as the create-pass page documents). A serial number that a pass of another template of the same pass type holds is 422.',
    PASS_WRITE_BODY,
  )
  @TEMPLATE_ID_PARAM
  @DEBUG_FLAG
  @ERRORS_FLAG
  @JsonResponse(201, 'Created', ACK_SCHEMA, { ack: PASS_RESPONSES.ack })
  @JsonResponse(200, 'The serial number existed and its pass was updated; or debug=true', { oneOf: [ACK_SCHEMA, PASS_SCHEMA] }, PASS_RESPONSES)
  @PassdockErrorResponses(400, 401, 404, 420, 421, 422)
  async create(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Params() params: PassdockParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PassdockAck | PassdockPass> {
    const write = readPassWrite(params, 'create');
    const { pass, created } = await this.issueOrUpdatePass.execute({
      accountId: account.id,
      templateId,
      serialNumber: write.serialNumber!,
      content: write.content,
      redeemed: write.redeemed,
    });
    const debug = params.flag('debug');
    void reply.status(created && !debug ? 201 : 200);
    return this.answer(account, pass, debug);
  }

  @Put(':id')
  @PassdockOperation(
    'Update a pass',
    'Changes the keys the pass hash names, with the same shortcuts as create. pass={"redeemed":true} redeems the pass ' +
      '(false takes it back). Every change gives the pass a new version. ' +
      'serial_number may be repeated but not changed (422).',
    PASS_WRITE_BODY,
  )
  @TEMPLATE_ID_PARAM
  @PASS_ID_PARAM
  @DEBUG_FLAG
  @ERRORS_FLAG
  @JsonResponse(200, 'Updated: the acknowledgement, or the whole pass with debug=true', { oneOf: [ACK_SCHEMA, PASS_SCHEMA] }, PASS_RESPONSES)
  @PassdockErrorResponses(400, 401, 404, 409, 420, 422)
  async update(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Param('id', PassId) id: number,
    @Params() params: PassdockParams,
  ): Promise<PassdockAck | PassdockPass> {
    const write = readPassWrite(params, 'update');
    const { pass: current } = await this.getPass.execute(account.id, id, templateId);
    // Serial numbers never change (create-pass page: "cannot be changed"); repeating it is fine.
    if (write.serialNumber !== undefined && write.serialNumber !== current.serialNumber) {
      throw new PassdockRequestError([
        {
          code: RequestProblemCode.SerialNumberImmutable,
          field: 'pass.serial_number',
          message: `The serial number of pass ${id} is ${current.serialNumber} and cannot be changed.`,
        },
      ]);
    }
    const changesContent = Object.keys(write.content).length > 0;
    let pass: Pass = current;
    if (changesContent) pass = await this.updatePass.execute(account.id, id, write.content, write.redeemed);
    else if (write.redeemed !== undefined) pass = await this.redeemPass.execute(account.id, id, write.redeemed);
    return this.answer(account, pass, params.flag('debug'));
  }

  @Delete(':id')
  @HttpCode(200)
  @PassdockOperation('Delete a pass', 'Deletes the pass; its links stop working. Answers `{"id":…}`.')
  @TEMPLATE_ID_PARAM
  @PASS_ID_PARAM
  @ERRORS_FLAG
  @JsonResponse(200, 'Deleted', ID_SCHEMA)
  @PassdockErrorResponses(401, 404)
  async remove(
    @CurrentAccount() account: Account,
    @Param('template_id', TemplateId) templateId: number,
    @Param('id', PassId) id: number,
  ): Promise<{ id: number }> {
    await this.getPass.execute(account.id, id, templateId);
    await this.deletePass.execute(account.id, id);
    return { id };
  }

  private async answer(account: Account, pass: Pass, debug: boolean): Promise<PassdockAck | PassdockPass> {
    if (!debug) return presentAck(this.config.publicBaseUrl, pass);
    const template: PassTemplate = await this.getTemplate.execute(account.id, pass.templateId);
    return presentPass(this.config.publicBaseUrl, pass, template, await this.listPassDevices.execute(account.id, pass.id));
  }
}
