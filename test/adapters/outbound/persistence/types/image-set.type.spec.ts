import { PassTemplate } from '../../../../../src/domain/pass-template';
import { sqlite, type RepositoryHarness } from '../../../../contracts/harness';
import { aPng, aPassType, aTemplate, anAccount } from '../../../../support/builders';

describe('ImageSetType', () => {
  let harness: RepositoryHarness;
  let templateId: number;

  beforeEach(async () => {
    harness = await sqlite();
    const account = await harness.repos.accounts.add(anAccount().account);
    const passType = await harness.repos.passTypes.add(aPassType(account.id));
    const template = aTemplate(account.id, passType.id, { images: { 'icon.png': aPng(1), 'logo.png': aPng(2) } });
    templateId = (await harness.repos.templates.add(template)).id;
  });

  afterEach(async () => {
    await harness.teardown();
  });

  function forkedEntityManager() {
    return harness.orm!.em.fork({ clear: true });
  }

  it('loads the stored images as their bytes', async () => {
    const loaded = await forkedEntityManager().findOneOrFail(PassTemplate, templateId);
    expect(Object.keys(loaded.images).sort()).toEqual(['icon.png', 'logo.png']);
    expect(Buffer.from(loaded.images['icon.png']).equals(Buffer.from(aPng(1)))).toBe(true);
    expect(Buffer.from(loaded.images['logo.png']).equals(Buffer.from(aPng(2)))).toBe(true);
  });

  /** The columns MikroORM's unit of work would write for the loaded template. */
  function changedColumns(em: ReturnType<typeof forkedEntityManager>): string[] {
    em.getUnitOfWork().computeChangeSets();
    return em.getUnitOfWork().getChangeSets().flatMap((changeSet) => Object.keys(changeSet.payload));
  }

  it('keeps change detection right with the stored text as the snapshot: images not touched are not written', async () => {
    const em = forkedEntityManager();
    const loaded = await em.findOneOrFail(PassTemplate, templateId);
    loaded.description = 'Changed';
    expect(changedColumns(em)).toContain('description');
    expect(changedColumns(em)).not.toContain('images');
  });

  it('writes images that changed', async () => {
    const em = forkedEntityManager();
    const loaded = await em.findOneOrFail(PassTemplate, templateId);
    loaded.images = { ...loaded.images, 'logo.png': aPng(3) };
    expect(changedColumns(em)).toContain('images');
    await em.flush();

    const reloaded = await forkedEntityManager().findOneOrFail(PassTemplate, templateId);
    expect(Buffer.from(reloaded.images['logo.png']).equals(Buffer.from(aPng(3)))).toBe(true);
    expect(Buffer.from(reloaded.images['icon.png']).equals(Buffer.from(aPng(1)))).toBe(true);
  });
});
