import { findBySql, findOneBySql } from '../../../../src/adapters/outbound/persistence/mikro-orm-repository';
import { PassTemplate } from '../../../../src/domain/pass-template';
import { sqlite, type RepositoryHarness } from '../../../contracts/harness';
import { aPassType, aTemplate, anAccount } from '../../../support/builders';

describe('findBySql', () => {
  let harness: RepositoryHarness;
  let templateIds: number[];

  beforeEach(async () => {
    harness = await sqlite();
    const account = await harness.repos.accounts.add(anAccount().account);
    const passType = await harness.repos.passTypes.add(aPassType(account.id));
    templateIds = [];
    for (const title of ['First', 'Second']) {
      templateIds.push((await harness.repos.templates.add(aTemplate(account.id, passType.id, { title }))).id);
    }
  });

  afterEach(async () => {
    await harness.teardown();
  });

  it('hydrates the selected rows as the mappings say, in the order selected', async () => {
    const templates = await findBySql(harness.orm!, PassTemplate, 'select * from pass_templates order by id desc', []);
    expect(templates.map((template) => [template.id, template.title])).toEqual([
      [templateIds[1], 'Second'],
      [templateIds[0], 'First'],
    ]);
    expect(templates[0]).toBeInstanceOf(PassTemplate);
    expect(templates[0].updatedAt).toBeInstanceOf(Date);
    expect(templates[0].images['icon.png']).toBeInstanceOf(Uint8Array);
  });

  it('gives each call objects of its own: no identity map keeps or shares them between calls', async () => {
    const sql = 'select * from pass_templates where id = ?';
    const first = await findOneBySql(harness.orm!, PassTemplate, sql, [templateIds[0]]);
    first!.title = 'Changed in memory';
    const second = await findOneBySql(harness.orm!, PassTemplate, sql, [templateIds[0]]);
    expect(second).not.toBe(first);
    expect(second!.title).toBe('First');
    // Nothing was merged into a unit of work that a later flush could write.
    await harness.orm!.em.fork().flush();
    expect((await harness.repos.templates.findById(templateIds[0]))!.title).toBe('First');
  });

  it('hands out plain objects of the class: data properties, no MikroORM accessors or entity state', async () => {
    const template = (await findOneBySql(harness.orm!, PassTemplate, 'select * from pass_templates where id = ?', [templateIds[0]]))!;
    expect(Object.getPrototypeOf(template)).toBe(PassTemplate.prototype);
    expect(Object.getOwnPropertyDescriptor(template, 'title')).toMatchObject({ value: 'First', writable: true });
    expect(Object.getOwnPropertyNames(template).filter((name) => name.startsWith('__'))).toEqual([]);
    expect(structuredClone(template).title).toBe('First');
  });

  it('answers null for no row', async () => {
    expect(await findOneBySql(harness.orm!, PassTemplate, 'select * from pass_templates where id = ?', [0])).toBeNull();
  });
});
