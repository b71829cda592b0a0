import { Injectable, Logger } from '@nestjs/common';
import { AuthenticateApiKey } from '../../../application/authenticate-api-key.use-case';
import { DeletePassData } from '../../../application/delete-pass-data.use-case';
import { FindPassData } from '../../../application/find-pass-data.use-case';
import { GetTemplate } from '../../../application/get-template.use-case';
import { IssuePreparedPass } from '../../../application/issue-prepared-pass.use-case';
import { ListTemplates } from '../../../application/list-templates.use-case';
import { PreparePassData } from '../../../application/prepare-pass-data.use-case';
import { UpdatePass } from '../../../application/update-pass.use-case';
import { AppConfig } from '../../../config/app-config';
import type { Pass } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';
import type { PassStyle } from '../../../domain/pass-style';
import { RemoteImageFetcher } from '../../../domain/ports/remote-image-fetcher';
import { passLinks } from '../distribution/pass-links';
import { failure } from './skycore-errors';
import { readPassData, SECTION_PREFIXES, SkycorePassData } from './skycore-pass-data';
import type { SkycoreRequest } from './skycore-request';
import type { ResponseElements } from './skycore-response';

/** The pass actions of Skycore API 1.3 (reference §3.1–3.7), by lower-cased name. */
export const PASS_ACTIONS = [
  'getpasstemplateids',
  'getpasstemplate',
  'addpassdata',
  'updatepass',
  'deletepassdata',
  'generatepassbyid',
  'generatepass',
] as const;
type PassAction = (typeof PASS_ACTIONS)[number];

/**
 * Actions of Skycore 1.3 that passgate does not offer: the email and MMS pass deliveries (§3.8–3.10)
 * and the SMS/MMS/email/user actions (§6). A client calling one learns it is not available (E107)
 * rather than that it does not exist (E101).
 */
const UNAVAILABLE_ACTIONS: ReadonlySet<string> = new Set([
  'sendpassinemail',
  'sendpassinmms',
  'getpassemailtemplate',
  'sendsms',
  'sendmms',
  'getmmsids',
  'getmmscampaigns',
  'savemms',
  'sendsavedmms',
  'sendmmsbarcode',
  'sendsavedmmscampaign',
  'subscribe',
  'unsubscribe',
  'createmmscampaign',
  'getsendingstatistics',
  'getsendingstatus',
  'removemmsinboxmessage',
  'removemmsinboxcontent',
  'getemailids',
  'getemailcampaigns',
  'createemailcampaign',
  'sendsavedemail',
  'subscribeemail',
  'unsubscribeemail',
  'createuser',
  'loginuser',
]);

/** Skycore's "Pass Template Type" names. */
const PASS_TYPES: Record<PassStyle, string> = {
  boardingPass: 'Boarding Pass',
  coupon: 'Coupon',
  eventTicket: 'Event Ticket',
  generic: 'Generic',
  storeCard: 'Store Card',
};

const TEMPLATE_PAGE = 100;
const PASS_DATA_ID = /^[0-9a-f]{32}$/i;

function isPassAction(action: string): action is PassAction {
  return (PASS_ACTIONS as readonly string[]).includes(action);
}

/**
 * Runs one Skycore call: action check, API key, then the action over the core's use cases. Every
 * refusal is thrown (SkycoreFailure or a domain error); SkycoreExceptionFilter turns it into the
 * Failure envelope through the one mapping table.
 */
@Injectable()
export class SkycoreActions {
  private readonly logger = new Logger('SkycoreApi');

  constructor(
    private readonly config: AppConfig,
    private readonly authenticateApiKey: AuthenticateApiKey,
    private readonly listTemplates: ListTemplates,
    private readonly getTemplate: GetTemplate,
    private readonly preparePassData: PreparePassData,
    private readonly issuePreparedPass: IssuePreparedPass,
    private readonly findPassData: FindPassData,
    private readonly updatePass: UpdatePass,
    private readonly deletePassData: DeletePassData,
    private readonly images: RemoteImageFetcher,
  ) {}

  /** The elements after `<STATUS>Success</STATUS>`. */
  async run(request: SkycoreRequest): Promise<ResponseElements> {
    const action = request.action;
    if (action === null) throw failure('E101', 'Give the action in <ACTION> (or the action parameter).');
    const known = isPassAction(action) || UNAVAILABLE_ACTIONS.has(action);
    if (!known) throw failure('E101', `"${action.slice(0, 100)}" is not an action of this API.`);
    if (request.apiKey === null) throw failure('E102', 'Give the API key in <API_KEY> (or the api_key parameter).');
    const account = await this.authenticateApiKey.execute(request.apiKey);
    if (account === null) throw failure('E104', 'The API key is not valid.');
    if (!isPassAction(action)) {
      throw failure('E107', 'passgate offers the pass actions only; email, MMS, SMS and user actions are not available.');
    }
    const accountId = account.id;
    switch (action) {
      case 'getpasstemplateids':
        return this.getPassTemplateIds(accountId);
      case 'getpasstemplate':
        return this.getPassTemplate(accountId, request);
      case 'addpassdata':
        return this.addPassData(accountId, request);
      case 'updatepass':
        return this.updatePassData(accountId, request);
      case 'deletepassdata':
        await this.deletePassData.execute(accountId, requirePassDataId(request));
        return [];
      case 'generatepassbyid':
        return this.issued(await this.issuePreparedPass.execute(accountId, requirePassDataId(request)));
      case 'generatepass':
        return this.generatePass(accountId, request);
    }
  }

  /** §3.1: every template id of the account in one comma-separated element; none is E800. */
  private async getPassTemplateIds(accountId: number): Promise<ResponseElements> {
    const ids: number[] = [];
    for (let offset = 0; ; offset += TEMPLATE_PAGE) {
      const page = await this.listTemplates.execute(accountId, { offset, limit: TEMPLATE_PAGE });
      ids.push(...page.map((template) => template.id));
      if (page.length < TEMPLATE_PAGE) break;
    }
    if (ids.length === 0) throw failure('E800');
    return [['PASSTEMPLATEIDS', ids.join(',')]];
  }

  /**
   * §3.2: addressed by exactly one of PASSTEMPLATEID, MMSID, EMAILID (EMAILTEMPLATEID, its later
   * name, counts as EMAILID). passgate keeps no MMS or email templates, so MMSID is E822 and EMAILID
   * E823: "contains no pass" is literally true, and those are the codes the reference lists here.
   */
  private async getPassTemplate(accountId: number, request: SkycoreRequest): Promise<ResponseElements> {
    const byTemplate = request.fields.PASSTEMPLATEID !== undefined;
    const byMms = request.fields.MMSID !== undefined;
    const byEmail = request.fields.EMAILID !== undefined || request.fields.EMAILTEMPLATEID !== undefined;
    const given = [byTemplate, byMms, byEmail].filter(Boolean).length;
    if (given === 0) throw failure('E827');
    if (given > 1) throw failure('E828');
    if (byMms) throw failure('E822');
    if (byEmail) throw failure('E823');
    const template = await this.getTemplate.execute(accountId, templateIdOf(request));
    return [
      ['PASSTEMPLATEID', template.id],
      ['PASSTEMPLATE', templateElements(template)],
    ];
  }

  /** §3.3: stores the data; the pass is issued by generatePassById. */
  private async addPassData(accountId: number, request: SkycoreRequest): Promise<ResponseElements> {
    const pass = await this.storePassData(accountId, request);
    return [
      ['PASSTEMPLATEID', pass.templateId],
      ['PASSDATAID', pass.passDataId],
    ];
  }

  /**
   * §3.7: addPassData and generatePassById in one call. Should issuing fail after the data was
   * stored, the data is deleted again, since the client never learns its PASSDATAID.
   */
  private async generatePass(accountId: number, request: SkycoreRequest): Promise<ResponseElements> {
    const prepared = await this.storePassData(accountId, request);
    let issued: Pass;
    try {
      issued = await this.issuePreparedPass.execute(accountId, prepared.passDataId);
    } catch (error) {
      await this.deletePassData.execute(accountId, prepared.passDataId).catch((cleanup: unknown) => {
        this.logger.warn({ err: cleanup, passId: prepared.id }, 'generatePass: stored data of a failed issue not deleted');
      });
      throw error;
    }
    return this.issued(issued);
  }

  /**
   * §3.4: new values for an issued or unissued pass; a change advances the version, which the
   * Apple web service turns into pushes. UPDATESTATUSID is `<pass id>-<version>`, the pass version
   * the update left: data the pass already has makes no new version and answers the same id.
   * Without any pass data the call is E824.
   */
  private async updatePassData(accountId: number, request: SkycoreRequest): Promise<ResponseElements> {
    const passDataId = requirePassDataId(request);
    if (request.passData === null) throw failure('E824', 'Give the new values in <PASSDATA> (or pd_ parameters).');
    const { pass, template } = await this.findPassData.execute(accountId, passDataId);
    const data = readPassData(template, request.passData, 'update', pass);
    if (!data.setsAnything) throw failure('E824', '<PASSDATA> holds no value updatePass takes.');
    const updated = await this.updatePass.execute(accountId, pass.id, await this.withThumbnail(data));
    return [
      ['PASSDATAID', updated.passDataId],
      ['UPDATESTATUSID', `${updated.id}-${updated.version}`],
    ];
  }

  /** The PASSDATA of addPassData and generatePass, checked against the template and stored unissued. */
  private async storePassData(accountId: number, request: SkycoreRequest): Promise<Pass> {
    const template = await this.getTemplate.execute(accountId, requireTemplateId(request));
    const data = readPassData(template, request.passData ?? {}, 'new', null);
    return this.preparePassData.execute({
      accountId,
      templateId: template.id,
      content: await this.withThumbnail(data),
      recipient: data.recipient,
    });
  }

  /** §3.6 response: CUSTOMPASSID is empty when none was given. */
  private issued(pass: Pass): ResponseElements {
    const links = passLinks(this.config.publicBaseUrl, pass);
    return [
      ['PASSDATAID', pass.passDataId],
      ['SERIALNUMBER', pass.serialNumber],
      ['CUSTOMPASSID', pass.customPassId ?? ''],
      ['PASSLINK', links.landingPage],
      ['DOWNLOADURL', links.download],
    ];
  }

  /** Fetched last, after every check that needs no network, so a refused call costs no fetch. */
  private async withThumbnail(data: SkycorePassData): Promise<SkycorePassData['content']> {
    if (data.thumbnailUrl === null) return data.content;
    const thumbnail = await this.images.fetch(data.thumbnailUrl);
    return { ...data.content, images: { 'thumbnail.png': thumbnail } };
  }
}

function requireTemplateId(request: SkycoreRequest): number {
  if (request.fields.PASSTEMPLATEID === undefined) throw failure('E801');
  return templateIdOf(request);
}

/** Template ids are integers (Appendix A); anything else names no template: E802. */
function templateIdOf(request: SkycoreRequest): number {
  const text = request.fields.PASSTEMPLATEID ?? '';
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(id >= 1 && id <= 2_147_483_647)) throw failure('E802');
  return id;
}

/** PASSDATAIDs are 32 hex characters; anything else names no pass data (E808) and is not looked up. */
function requirePassDataId(request: SkycoreRequest): string {
  const id = request.fields.PASSDATAID;
  if (id === undefined) throw failure('E807');
  if (!PASS_DATA_ID.test(id)) throw failure('E808');
  return id.toLowerCase();
}

/**
 * getPassTemplate's PASSTEMPLATE (§3.2): name, type, organization, description, barcode, then per
 * section the count element (0 included) and the label/value pairs of every field, by position (the
 * same positions the pass data slots address; fields beyond Skycore's slots are listed too).
 */
function templateElements(template: PassTemplate): ResponseElements {
  const elements: Array<[string, string | number]> = [
    ['PASSNAME', template.title],
    ['PASSTYPE', PASS_TYPES[template.style]],
    ['ORGANIZATION', template.organizationName],
    ['DESCRIPTION', template.description],
    ['BARCODEVALUE', template.barcode?.message ?? ''],
    ['BARCODETEXT', template.barcode?.altText ?? ''],
  ];
  for (const [section, prefix] of SECTION_PREFIXES) {
    const fields = template.fields[section];
    elements.push([`${prefix}FIELDS`, fields.length]);
    fields.forEach((field, index) => {
      elements.push([`${prefix}LABEL${index + 1}`, field.label ?? '']);
      elements.push([`${prefix}VALUE${index + 1}`, field.value ?? '']);
    });
  }
  return elements;
}
