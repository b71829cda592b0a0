import request from 'supertest';
import { startPassdockApp, type PassdockTestApp } from './passdock-app';

type Operation = {
  summary?: string;
  security?: Array<Record<string, unknown>>;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
};

/** Swagger UI at /docs documents every Passdock endpoint so "Try it out" works. */
describe('Passdock API in the OpenAPI document', () => {
  let t: PassdockTestApp;
  let paths: Record<string, Record<string, Operation>>;
  let document: { components: { securitySchemes: Record<string, unknown> }; paths: typeof paths };

  beforeAll(async () => {
    t = await startPassdockApp();
    document = (await request(t.server()).get('/docs-json').expect(200)).body;
    paths = document.paths;
  });

  afterAll(() => t?.close());

  const ENDPOINTS: Array<[string, string, string[]]> = [
    ['get', '/api/v1/templates', ['200', '400', '401']],
    ['post', '/api/v1/templates', ['201', '400', '401', '422']],
    ['get', '/api/v1/templates/{id}', ['200', '401', '404']],
    ['put', '/api/v1/templates/{id}', ['200', '400', '401', '404', '422']],
    ['delete', '/api/v1/templates/{id}', ['200', '401', '404']],
    ['get', '/api/v1/templates/{template_id}/passes', ['200', '400', '401', '404']],
    ['post', '/api/v1/templates/{template_id}/passes', ['200', '201', '400', '401', '404', '420', '421', '422']],
    ['get', '/api/v1/templates/{template_id}/passes/search', ['200', '400', '401', '404']],
    ['get', '/api/v1/templates/{template_id}/passes/{id}', ['200', '401', '404']],
    ['put', '/api/v1/templates/{template_id}/passes/{id}', ['200', '400', '401', '404', '420', '422']],
    ['delete', '/api/v1/templates/{template_id}/passes/{id}', ['200', '401', '404']],
    ['get', '/api/v1/passes/search', ['200', '400', '401', '404']],
    ['get', '/passes/{id}/{file}', ['200', '404']],
    ['get', '/p/{id}/{webToken}', ['200', '404']],
  ];

  it.each(ENDPOINTS)('documents %s %s with a summary and its statuses', (method, path, statuses) => {
    const operation = paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation.summary).toEqual(expect.any(String));
    expect(Object.keys(operation.responses).sort()).toEqual(expect.arrayContaining(statuses));
    for (const status of statuses) expect(operation.responses[status].description.length).toBeGreaterThan(2);
    if (path.startsWith('/api/v1')) expect(operation.security).toEqual([{ api_token: [] }]);
  });

  it('declares api_token as a query-parameter key', () => {
    expect(document.components.securitySchemes.api_token).toEqual(expect.objectContaining({ type: 'apiKey', in: 'query', name: 'api_token' }));
  });

  it('lists each endpoint once, without the .json twins', () => {
    expect(Object.keys(paths).filter((path) => path.endsWith('.json'))).toEqual([]);
  });

  it("offers both encodings for writes, with the create-pass page's examples", () => {
    const body = paths['/api/v1/templates/{template_id}/passes'].post.requestBody!;
    expect(Object.keys(body.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const formExamples = Object.values(body.content['application/x-www-form-urlencoded'].examples!).map((example) => example.value);
    expect(formExamples).toContainEqual({ pass: '{"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}' });
    expect(formExamples).toHaveLength(5);
    expect(Object.keys(paths['/api/v1/templates'].post.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(paths['/api/v1/templates/{id}'].put.requestBody).toBeDefined();
  });

  it('explains the Passdock statuses', () => {
    const responses = paths['/api/v1/templates/{template_id}/passes'].post.responses;
    expect(responses['420'].description).toMatch(/Key Not Found In The Template/);
    expect(responses['421'].description).toMatch(/Missing serial number/);
    expect(responses['422'].description).toMatch(/Wrong Field Format/);
  });
});
