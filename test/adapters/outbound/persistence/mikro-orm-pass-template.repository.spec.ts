import type { MikroORM } from '@mikro-orm/core';
import { MikroOrmPassTemplateRepository } from '../../../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository';
import { aPng } from '../../../support/builders';
import { anOwner, type Owner } from '../../../contracts/fixtures';
import { implementations, snapshot, type RepositoryHarness } from '../../../contracts/harness';

const databases = implementations().filter(([name]) => name.startsWith('MikroORM'));

describe.each(databases)('MikroOrmPassTemplateRepository: %s', (_name, setup) => {
  let harness: RepositoryHarness;
  let orm: MikroORM;
  let owner: Owner;

  beforeEach(async () => {
    if (setup === null) return;
    harness = await setup();
    orm = harness.orm!;
    owner = await anOwner(harness.repos);
  });

  afterEach(async () => {
    await harness?.teardown();
  });

  const run = setup === null ? it.skip : it;

  run('finds the change another instance saved, never the template it hydrated before', async () => {
    const thisInstance = new MikroOrmPassTemplateRepository(orm);
    const otherInstance = new MikroOrmPassTemplateRepository(orm);
    expect((await thisInstance.findById(owner.template.id))!.description).toBe(owner.template.description);

    const changed = (await otherInstance.findById(owner.template.id))!;
    changed.update({ description: 'Changed elsewhere', images: { 'icon.png': aPng(9) } }, new Date('2026-05-05T05:05:05.555Z'));
    await otherInstance.save(changed);

    const found = (await thisInstance.findForAccount(owner.account.id, owner.template.id))!;
    expect(snapshot(found)).toStrictEqual(snapshot(changed));
    await otherInstance.remove(changed);
    expect(await thisInstance.findById(owner.template.id)).toBeNull();
  });

  run('reads the row with its images only when its updated_at is one it has not hydrated', async () => {
    const repository = new MikroOrmPassTemplateRepository(orm);
    const execute = jest.spyOn(orm.em.getConnection(), 'execute');
    const fullReads = () => execute.mock.calls.filter(([sql]) => typeof sql === 'string' && /select \* from pass_templates/.test(sql)).length;

    await repository.findById(owner.template.id);
    await repository.findById(owner.template.id);
    await repository.findForAccount(owner.account.id, owner.template.id);
    expect(fullReads()).toBe(1);

    const changed = (await repository.findById(owner.template.id))!;
    changed.update({ description: 'Changed' }, new Date('2026-05-05T05:05:05.555Z'));
    await repository.save(changed);
    expect((await repository.findById(owner.template.id))!.description).toBe('Changed');
    expect((await repository.findById(owner.template.id))!.description).toBe('Changed');
    expect(fullReads()).toBe(2);
  });
});
