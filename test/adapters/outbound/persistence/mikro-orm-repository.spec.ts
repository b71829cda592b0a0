import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { findBySql, findOneBySql, insertBySql } from '../../../../src/adapters/outbound/persistence/mikro-orm-repository';
import { Pass } from '../../../../src/domain/pass';
import { PassTemplate } from '../../../../src/domain/pass-template';
import { implementations, runContract, snapshot, sqlite, type RepositoryHarness } from '../../../contracts/harness';
import { aPass, aPassType, aTemplate, anAccount } from '../../../support/builders';

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

describe('insertBySql', () => {
  const onDatabases = implementations().filter(([name]) => name.startsWith('MikroORM'));
  runContract((name, setup) => {
    describe(name, () => {
      let harness: RepositoryHarness;
      let template: PassTemplate;

      beforeEach(async () => {
        harness = await setup();
        const account = await harness.repos.accounts.add(anAccount().account);
        const passType = await harness.repos.passTypes.add(aPassType(account.id));
        template = await harness.repos.templates.add(aTemplate(account.id, passType.id));
      });

      afterEach(async () => {
        await harness.teardown();
      });

      /** A pass with every kind of column set: JSON, custom type, booleans, dates, nulls. */
      function aFullPass(serialNumber: string): Pass {
        const pass = aPass(template, serialNumber, {
          fields: { name: { value: 'Ada' } },
          barcodeMessage: 'M-1',
          barcodeAltText: 'Alt',
          locations: [{ latitude: 1.5, longitude: -2.25, altitude: null, relevantText: 'Near' }],
        });
        pass.redeemed = true;
        pass.redeemedAt = new Date('2026-03-04T05:06:07.089Z');
        return pass;
      }

      const rowOf = async (id: number) => {
        const rows = await harness.orm!.em.getConnection().execute<Array<Record<string, unknown>>>('select * from passes where id = ?', [id]);
        const { id: _id, serial_number: _serial, authentication_token: _token, web_token: _web, pass_data_id: _data, ...rest } = rows[0];
        return rest;
      };

      it('writes the row em.insert writes for the same entity, and returns its new id', async () => {
        const em = harness.orm!.em.fork() as SqlEntityManager;
        const byOrm = aFullPass('BY-ORM');
        const byOrmId = (await em.insert(byOrm)) as number;
        const bySql = aFullPass('BY-SQL');
        const bySqlId = await insertBySql(em, Pass, bySql);

        expect(bySqlId).toBeGreaterThan(byOrmId);
        expect(await rowOf(bySqlId)).toEqual(await rowOf(byOrmId));
        const readBack = (await findOneBySql(harness.orm!, Pass, 'select * from passes where id = ?', [bySqlId]))!;
        expect(snapshot({ ...readBack, id: 0 })).toEqual(snapshot({ ...bySql, id: 0 }));
      });

      it('throws the MikroORM exception of a violated constraint, as em.insert does', async () => {
        const em = harness.orm!.em.fork() as SqlEntityManager;
        await insertBySql(em, Pass, aFullPass('TWICE'));
        await expect(insertBySql(em, Pass, aFullPass('TWICE'))).rejects.toBeInstanceOf(UniqueConstraintViolationException);
      });
    });
  }, onDatabases);
});
