import { SkycoreActions } from '../../../../src/adapters/inbound/skycore/skycore-actions';
import type { SkycoreRequest } from '../../../../src/adapters/inbound/skycore/skycore-request';
import { AuthenticateApiKey } from '../../../../src/application/authenticate-api-key.use-case';
import { CreateTemplate } from '../../../../src/application/create-template.use-case';
import { DeletePassData } from '../../../../src/application/delete-pass-data.use-case';
import { FindPassData } from '../../../../src/application/find-pass-data.use-case';
import { GetTemplate } from '../../../../src/application/get-template.use-case';
import { IssuePreparedPass } from '../../../../src/application/issue-prepared-pass.use-case';
import { ListTemplates } from '../../../../src/application/list-templates.use-case';
import { PreparePassData } from '../../../../src/application/prepare-pass-data.use-case';
import { UpdatePass } from '../../../../src/application/update-pass.use-case';
import { loadAppConfig } from '../../../../src/config/app-config';
import { emptyFields } from '../../../../src/domain/fields';
import { useCaseFixture } from '../../../application/use-case-fixture';
import { InMemoryRemoteImageFetcher } from '../../../fakes/in-memory-remote-image.fetcher';
import { aField, aPng, aTemplateDefinition } from '../../../support/builders';

const THUMBNAIL_URL = 'https://images.example.com/t.png';

async function fixture() {
  const core = await useCaseFixture();
  const images = new InMemoryRemoteImageFetcher();
  const { passes, templates, clock } = core;
  const actions = new SkycoreActions(
    loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp'),
    new AuthenticateApiKey(core.accounts),
    new ListTemplates(templates),
    new GetTemplate(templates),
    new PreparePassData(templates, passes, clock),
    new IssuePreparedPass(passes, templates, clock),
    new FindPassData(passes, templates),
    new UpdatePass(passes, templates, core.passChanges, clock),
    new DeletePassData(passes, templates, clock),
    images,
  );
  const ticket = await new CreateTemplate(templates, core.passTypes, clock).execute({
    accountId: core.account.id,
    passTypeId: null,
    definition: aTemplateDefinition({
      title: 'Ticket',
      style: 'eventTicket',
      eventTicketLayout: 'backgroundAndThumbnail',
      fields: { ...emptyFields(), primary: [aField('guest', { dynamic: true })], secondary: [aField('fixed')] },
    }),
  });
  const call = (action: string, fields: Record<string, string>, passData: Record<string, string> | null = null, apiKey: string | null = core.apiKey) =>
    actions.run({ action, apiKey, fields, passData } satisfies SkycoreRequest);
  return { ...core, images, actions, ticket, call };
}

const elements = (answer: ReadonlyArray<readonly [string, unknown]>) => Object.fromEntries(answer);

describe('SkycoreActions', () => {
  it('fetches THUMBNAILURL and stores it as the pass\'s thumbnail', async () => {
    const { call, images, ticket, passes } = await fixture();
    images.serve(THUMBNAIL_URL, aPng(4));
    const answer = elements(await call('generatepass', { PASSTEMPLATEID: String(ticket.id) }, { THUMBNAILURL: THUMBNAIL_URL }));
    const pass = await passes.findByPassDataId(answer.PASSDATAID as string);
    expect(Buffer.from(pass!.images['thumbnail.png'])).toEqual(Buffer.from(aPng(4)));
    expect(images.requested).toEqual([THUMBNAIL_URL]);
  });

  it('fetches nothing when the call is refused before, and stores nothing when the fetch is refused', async () => {
    const { call, images, ticket, passes } = await fixture();
    await expect(call('addpassdata', { PASSTEMPLATEID: String(ticket.id) }, { THUMBNAILURL: THUMBNAIL_URL, SECVALUE1: 'x' })).rejects.toMatchObject({ code: 'E847' });
    await expect(call('addpassdata', { PASSTEMPLATEID: '999' }, { THUMBNAILURL: THUMBNAIL_URL })).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
    expect(images.requested).toEqual([]);
    await expect(call('addpassdata', { PASSTEMPLATEID: String(ticket.id) }, { THUMBNAILURL: THUMBNAIL_URL })).rejects.toMatchObject({
      code: 'REMOTE_IMAGE_REFUSED',
    });
    expect(await passes.listForTemplate(ticket.id, { offset: 0, limit: 10 })).toEqual([]);
  });

  it('leaves the PNG-only rule to the domain: a JPEG thumbnail is IMAGE_INVALID', async () => {
    const { call, images, ticket } = await fixture();
    images.serve(THUMBNAIL_URL, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    await expect(call('addpassdata', { PASSTEMPLATEID: String(ticket.id) }, { THUMBNAILURL: THUMBNAIL_URL })).rejects.toMatchObject({
      code: 'IMAGE_INVALID',
    });
  });

  it('checks the action before the key, and the key before saying an action is not available', async () => {
    const { call } = await fixture();
    await expect(call('nosuchaction', {}, null, 'wrong')).rejects.toMatchObject({ code: 'E101' });
    await expect(call('sendpassinemail', {}, null, null)).rejects.toMatchObject({ code: 'E102' });
    await expect(call('sendpassinemail', {}, null, 'wrong')).rejects.toMatchObject({ code: 'E104' });
    await expect(call('sendpassinemail', {})).rejects.toMatchObject({ code: 'E107' });
  });

  it('answers updatePass with <pass id>-<version>, new for every update', async () => {
    const { call, ticket, passes } = await fixture();
    const added = elements(await call('addpassdata', { PASSTEMPLATEID: String(ticket.id) }));
    const id = added.PASSDATAID as string;
    const first = elements(await call('updatepass', { PASSDATAID: id }, { PRIMARYVALUE1: 'a' }));
    const second = elements(await call('updatepass', { PASSDATAID: id.toUpperCase() }, { PRIMARYVALUE1: 'b' }));
    const pass = await passes.findByPassDataId(id);
    expect(first.UPDATESTATUSID).toBe(`${pass!.id}-${pass!.version - 1}`);
    expect(second.UPDATESTATUSID).toBe(`${pass!.id}-${pass!.version}`);
    expect(pass!.fieldValues.guest).toEqual({ value: 'b' });
  });

  it('pages through every template for getPassTemplateIds', async () => {
    const { call, account, templates, passTypes, clock } = await fixture();
    const create = new CreateTemplate(templates, passTypes, clock);
    for (let i = 0; i < 150; i += 1) {
      await create.execute({ accountId: account.id, passTypeId: null, definition: aTemplateDefinition({ title: `T${i}` }) });
    }
    const ids = (elements(await call('getpasstemplateids', {})).PASSTEMPLATEIDS as string).split(',');
    expect(ids).toHaveLength(152);
    expect(new Set(ids).size).toBe(152);
  });
});
