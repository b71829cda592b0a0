import { Problems, type Problem } from '../../../../src/adapters/inbound/passdock/passdock-errors';
import { expandBracketKeys, MAX_NAME_SEGMENTS, PassdockParams, pathsWithNulCharacter } from '../../../../src/adapters/inbound/passdock/passdock-params';

describe('expandBracketKeys', () => {
  it('nests Rails-style names and leaves plain names alone', () => {
    expect(expandBracketKeys({ api_token: 't', 'pass[serial_number]': '1', 'pass[gate][value]': '53', 'pass[gate][label]': 'GATE' })).toEqual({
      api_token: 't',
      pass: { serial_number: '1', gate: { value: '53', label: 'GATE' } },
    });
  });

  it('spreads repeated [] names over list elements by position', () => {
    expect(
      expandBracketKeys({
        'pass[relevance][locations][][latitude]': ['1', '3'],
        'pass[relevance][locations][][longitude]': ['2', '4'],
        'tags[]': ['a', 'b'],
      }),
    ).toEqual({
      pass: { relevance: { locations: [{ latitude: '1', longitude: '2' }, { latitude: '3', longitude: '4' }] } },
      tags: ['a', 'b'],
    });
  });

  it('lets a plain field win over bracketed fields of the same name', () => {
    expect(expandBracketKeys({ pass: '{"serial_number":"1"}', 'pass[gate]': '53' })).toEqual({ pass: '{"serial_number":"1"}' });
  });

  it('never touches prototypes', () => {
    const expanded = expandBracketKeys({ '__proto__[polluted]': 'yes', 'pass[__proto__][polluted]': 'yes', 'a[constructor][prototype][x]': '1' });
    expect(expanded).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves out names nested deeper than any parameter and says so', () => {
    const refused: Problem[] = [];
    const deep = `pass${'[a]'.repeat(MAX_NAME_SEGMENTS)}`;
    const fine = `pass${'[a]'.repeat(MAX_NAME_SEGMENTS - 2)}`;
    expect(expandBracketKeys({ [deep]: '1', api_token: 't' }, refused)).toEqual({ api_token: 't' });
    expect(refused).toEqual([expect.objectContaining({ code: 'PARAMETER_INVALID', field: 'pass' })]);
    expect(expandBracketKeys({ [fine]: '1' })).toHaveProperty(['pass', ...Array<string>(MAX_NAME_SEGMENTS - 2).fill('a')], '1');
  });
});

describe('pathsWithNulCharacter', () => {
  it('names each text and key holding U+0000, in document order', () => {
    const value = { serial_number: '1', bar: { message: 'a\u0000' }, locations: [{ relevantText: '\u0000' }], 'k\u0000': { inner: '\u0000' } };
    expect(pathsWithNulCharacter(value, 'pass')).toEqual(['pass.bar.message', 'pass.locations[0].relevantText', 'pass.k\u0000']);
    expect(pathsWithNulCharacter({ title: 'T\u0000' }, '')).toEqual(['title']);
    expect(pathsWithNulCharacter({ gate: 'fine', images: [Buffer.from([0])] }, 'pass')).toEqual([]);
  });

  it('walks values nested deeper than the stack', () => {
    let nested: unknown = 'x\u0000';
    for (let depth = 0; depth < 100_000; depth += 1) nested = [nested];
    expect(pathsWithNulCharacter(nested, 'pass')).toEqual([`pass${'[0]'.repeat(100_000)}`]);
  });
});

describe('PassdockParams', () => {
  it('refuses NUL characters in the body and the query, and in JSON text it parses', () => {
    const params = PassdockParams.of({ title: 'T\u0000', pass: '{"gate":"\\u0000"}' }, { code: '\u0000' });
    expect(params.refused.map((problem) => problem.field)).toEqual(['title', 'code']);
    const problems = new Problems();
    params.json('pass', problems);
    expect(() => problems.throwIfAny()).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ code: 'VALUE_INVALID', field: 'pass.gate' })] }));
  });

  it('takes an empty list for what it is, not for an absent parameter', () => {
    expect(PassdockParams.of({ icon: [] }, {}).value('icon')).toEqual([]);
  });

  it('takes a parameter from the body before the query', () => {
    const params = PassdockParams.of({ api_token: 'body' }, { api_token: 'query', errors: 'true' });
    expect(params.text('api_token')).toBe('body');
    expect(params.flag('errors')).toBe(true);
  });

  it.each([
    [true, true],
    ['true', true],
    ['1', true],
    ['false', false],
    [false, false],
    ['yes', false],
    [undefined, false],
  ])('reads the flag %j as %j', (value, flag) => {
    expect(PassdockParams.of({ debug: value }, {}).flag('debug')).toBe(flag);
  });

  it('parses JSON text, takes nested objects as they are, and reports text that does not parse', () => {
    const problems = new Problems();
    const params = PassdockParams.of({ pass: '{"gate":"53"}', family: { title: 'T' }, icon: '{"filename":' }, {});
    expect(params.json('pass', problems)).toEqual({ present: true, value: { gate: '53' } });
    expect(params.json('family', problems)).toEqual({ present: true, value: { title: 'T' } });
    expect(params.json('thumbnail', problems)).toEqual({ present: false, value: undefined });
    expect(params.json('icon', problems)).toEqual({ present: true, value: undefined });
    expect(problems.any).toBe(true);
  });

  it('ignores bodies that are not forms or JSON objects', () => {
    expect(PassdockParams.of('raw text', { api_token: 'q' }).text('api_token')).toBe('q');
    expect(PassdockParams.of(null, undefined).has('pass')).toBe(false);
  });
});
