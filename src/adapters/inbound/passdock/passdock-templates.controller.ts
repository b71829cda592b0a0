import { Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CreateTemplate } from '../../../application/create-template.use-case';
import { DeleteTemplate } from '../../../application/delete-template.use-case';
import { GetTemplate } from '../../../application/get-template.use-case';
import { ListTemplates } from '../../../application/list-templates.use-case';
import { UpdateTemplate } from '../../../application/update-template.use-case';
import type { Account } from '../../../domain/account';
import { ApiTokenGuard } from './api-token.guard';
import { PassdockCertificates } from './passdock-certificates';
import { PassdockExceptionFilter } from './passdock-exception.filter';
import { CurrentAccount, Params } from './passdock-http';
import { TemplateId } from './passdock-id.pipe';
import {
  DEBUG_FLAG,
  ERRORS_FLAG,
  ID_SCHEMA,
  JsonResponse,
  PASSDOCK_TAG_TEMPLATES,
  PassdockErrorResponses,
  PassdockOperation,
  TEMPLATE_SCHEMA,
  templateWriteBody,
} from './passdock-openapi';
import { readPage } from './passdock-pages';
import { PassdockParams } from './passdock-params';
import { presentTemplate, type PassdockTemplate } from './passdock-presenter';
import { CountInstalledPasses } from '../../../application/count-installed-passes.use-case';
import type { PassTemplate } from '../../../domain/pass-template';
import { newTemplateDefinition, readTemplateWrite, templateChanges } from './template-request';

const TEMPLATE_ID = ApiParam({ name: 'id', description: 'Template id (a .json suffix is accepted)', example: 106 });

/** Passdock's template ("family") endpoints (reference §3). */
@ApiTags(PASSDOCK_TAG_TEMPLATES)
@ApiSecurity('api_token')
@Controller('api/v1/templates')
@UseGuards(ApiTokenGuard)
@UseFilters(PassdockExceptionFilter)
export class PassdockTemplatesController {
  constructor(
    private readonly listTemplates: ListTemplates,
    private readonly getTemplate: GetTemplate,
    private readonly createTemplate: CreateTemplate,
    private readonly updateTemplate: UpdateTemplate,
    private readonly deleteTemplate: DeleteTemplate,
    private readonly certificates: PassdockCertificates,
    private readonly countInstalledPasses: CountInstalledPasses,
  ) {}

  @Get()
  @PassdockOperation('List templates', 'Your templates by ascending id, 100 per page.')
  @ApiQuery({ name: 'page', required: false, description: 'Page, from 1', schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'per_page', required: false, description: 'passgate extension: page size, 1-500 (default 100)', schema: { type: 'integer' } })
  @JsonResponse(200, 'The templates', { type: 'array', items: TEMPLATE_SCHEMA })
  @PassdockErrorResponses(400, 401)
  async list(@CurrentAccount() account: Account, @Params() params: PassdockParams): Promise<PassdockTemplate[]> {
    const templates = await this.listTemplates.execute(account.id, readPage(params));
    const installed = await this.countInstalledPasses.ofLoaded(templates);
    return templates.map((template) => presentTemplate(template, installed.get(template.id) ?? 0));
  }

  @Get(':id')
  @PassdockOperation('Show a template', 'One of your templates.')
  @TEMPLATE_ID
  @JsonResponse(200, 'The template', TEMPLATE_SCHEMA)
  @PassdockErrorResponses(401, 404)
  async show(@CurrentAccount() account: Account, @Param('id', TemplateId) id: number): Promise<PassdockTemplate> {
    return this.present(await this.getTemplate.execute(account.id, id));
  }

  @Post()
  @HttpCode(201)
  @PassdockOperation(
    'Create a template',
    'Creates a template of a kind (kind_id 1-6) with its icon and the `family` definition. Fields are settable by passes ' +
      'unless marked `"dynamic": false`. Without `certificate` the default pass type signs its passes (your own, if you ' +
      'imported one, else the server’s). Answers `{"id":…}`, or the whole template with debug=true.',
    templateWriteBody(true),
  )
  @DEBUG_FLAG
  @ERRORS_FLAG
  @JsonResponse(201, 'Created: {"id":…}, or the template with debug=true', { oneOf: [ID_SCHEMA, TEMPLATE_SCHEMA] })
  @PassdockErrorResponses(400, 401, 422)
  async create(@CurrentAccount() account: Account, @Params() params: PassdockParams): Promise<PassdockTemplate | { id: number }> {
    const write = readTemplateWrite(params, 'create');
    const passTypeId = write.certificate ? await this.certificates.passTypeIdOf(account.id, write.certificate) : null;
    const template = await this.createTemplate.execute({ accountId: account.id, passTypeId, definition: newTemplateDefinition(write) });
    return params.flag('debug') ? this.present(template) : { id: template.id };
  }

  @Put(':id')
  @PassdockOperation(
    'Update a template',
    'Changes what the request names and nothing else. Every change except the title reaches the passes of the ' +
      'template: each gets a new version. A certificate renews the ' +
      "template's own pass type; a template cannot move to another pass type, as its passes are installed under it. " +
      'POST to the same path does the same (a 2016 Passdock client updates that way).',
    templateWriteBody(false),
  )
  @TEMPLATE_ID
  @DEBUG_FLAG
  @ERRORS_FLAG
  @JsonResponse(200, 'Updated: {"id":…}, or the template with debug=true', { oneOf: [ID_SCHEMA, TEMPLATE_SCHEMA] })
  @PassdockErrorResponses(400, 401, 404, 422)
  async update(
    @CurrentAccount() account: Account,
    @Param('id', TemplateId) id: number,
    @Params() params: PassdockParams,
  ): Promise<PassdockTemplate | { id: number }> {
    const write = readTemplateWrite(params, 'update');
    const current = await this.getTemplate.execute(account.id, id);
    const changes = templateChanges(current, write);
    if (write.certificate) changes.passTypeId = await this.certificates.passTypeIdOf(account.id, write.certificate);
    const { template } = await this.updateTemplate.execute({ accountId: account.id, templateId: id, changes });
    return params.flag('debug') ? this.present(template) : { id: template.id };
  }

  // Reference §3.4: the 2016 Node client sends template updates as POST /templates/:id.
  @Post(':id')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async updateByPost(
    @CurrentAccount() account: Account,
    @Param('id', TemplateId) id: number,
    @Params() params: PassdockParams,
  ): Promise<PassdockTemplate | { id: number }> {
    return this.update(account, id, params);
  }

  @Delete(':id')
  @PassdockOperation('Delete a template', 'Deletes the template with all its passes. Answers `{"id":…}`.')
  @TEMPLATE_ID
  @ERRORS_FLAG
  @JsonResponse(200, 'Deleted', ID_SCHEMA)
  @PassdockErrorResponses(401, 404)
  async remove(@CurrentAccount() account: Account, @Param('id', TemplateId) id: number): Promise<{ id: number }> {
    await this.deleteTemplate.execute(account.id, id);
    return { id };
  }

  private async present(template: PassTemplate): Promise<PassdockTemplate> {
    const installed = await this.countInstalledPasses.ofLoaded([template]);
    return presentTemplate(template, installed.get(template.id) ?? 0);
  }
}
