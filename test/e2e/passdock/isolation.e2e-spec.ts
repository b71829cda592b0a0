import request from 'supertest';
import { startPassdockApp, type PassdockTestApp } from './passdock-app';

/** Two accounts on one service: neither reads, changes or deletes what the other has, and learns nothing from trying. */
describe('accounts are isolated', () => {
  let t: PassdockTestApp;
  let alice: string;
  let bob: string;
  let aliceTemplate: number;
  let alicePass: number;
  let bobTemplate: number;
  const as = (key: string, path: string) => `/api/v1${path}${path.includes('?') ? '&' : '?'}api_token=${key}`;

  beforeAll(async () => {
    t = await startPassdockApp();
    alice = await t.newAccount('Alice');
    bob = await t.newAccount('Bob');
    aliceTemplate = await t.createTemplate(alice);
    bobTemplate = await t.createTemplate(bob);
    alicePass = (
      await request(t.server())
        .post(as(alice, `/templates/${aliceTemplate}/passes`))
        .type('form')
        .send({ pass: '{"serial_number":"ALICE-1","gate":"1","bar":{"message":"ALICE-CODE"}}' })
        .expect(201)
    ).body.id;
  });

  afterAll(() => t?.close());

  it("lists only each account's own templates (both may use the same title)", async () => {
    const aliceList = await request(t.server()).get(as(alice, '/templates')).expect(200);
    const bobList = await request(t.server()).get(as(bob, '/templates')).expect(200);
    expect(aliceList.body.map((template: { id: number }) => template.id)).toEqual([aliceTemplate]);
    expect(bobList.body.map((template: { id: number }) => template.id)).toEqual([bobTemplate]);
  });

  const ATTEMPTS: Array<[string, 'get' | 'put' | 'post' | 'delete', () => string]> = [
    ['show the template', 'get', () => `/templates/${aliceTemplate}`],
    ['change the template', 'put', () => `/templates/${aliceTemplate}`],
    ['delete the template', 'delete', () => `/templates/${aliceTemplate}`],
    ['list its passes', 'get', () => `/templates/${aliceTemplate}/passes`],
    ['search its passes by serial', 'get', () => `/templates/${aliceTemplate}/passes/search?serial_number=ALICE-1`],
    ['create a pass in it', 'post', () => `/templates/${aliceTemplate}/passes`],
    ['show the pass', 'get', () => `/templates/${aliceTemplate}/passes/${alicePass}`],
    ['download the pass', 'get', () => `/templates/${aliceTemplate}/passes/${alicePass}?show=true`],
    ['show the pass under its own template', 'get', () => `/templates/${bobTemplate}/passes/${alicePass}`],
    ['change the pass', 'put', () => `/templates/${aliceTemplate}/passes/${alicePass}`],
    ['redeem the pass under its own template', 'put', () => `/templates/${bobTemplate}/passes/${alicePass}`],
    ['delete the pass', 'delete', () => `/templates/${aliceTemplate}/passes/${alicePass}`],
    ['find the pass by its barcode', 'get', () => '/passes/search?code=ALICE-CODE'],
  ];

  it.each(ATTEMPTS)("Bob cannot %s (Alice's): 404, as for a record that does not exist", async (_what, method, path) => {
    const url = as(bob, `${path()}${path().includes('?') ? '&' : '?'}errors=true`);
    const response = await request(t.server())[method](url)
      .type('form')
      .send({ title: 'Stolen', pass: '{"serial_number":"BOB-1","gate":"9","redeemed":true}' })
      .expect(404);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: expect.stringMatching(/^(TEMPLATE|PASS)_NOT_FOUND$/) })]);
  });

  it("finds nothing of Alice's with many=true either", async () => {
    const byCode = await request(t.server()).get(as(bob, '/passes/search?code=ALICE-CODE&many=true')).expect(200);
    expect(byCode.body).toEqual([]);
  });

  it("left Alice's template and pass untouched", async () => {
    const template = await request(t.server()).get(as(alice, `/templates/${aliceTemplate}`)).expect(200);
    expect(template.body.title).toBe('Passdock Airways');
    const pass = await request(t.server()).get(as(alice, `/templates/${aliceTemplate}/passes/${alicePass}`)).expect(200);
    expect(pass.body.header).toEqual([expect.objectContaining({ key: 'gate', value: '1' })]);
    expect(pass.body.redeemed_at).toBeNull();
    const passes = await request(t.server()).get(as(alice, `/templates/${aliceTemplate}/passes?compact=true`)).expect(200);
    expect(passes.body).toHaveLength(1);
    const bobPasses = await request(t.server()).get(as(bob, `/templates/${bobTemplate}/passes?compact=true`)).expect(200);
    expect(bobPasses.body).toEqual([]);
  });
});
