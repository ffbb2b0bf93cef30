import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  childPath,
  parseJsonSource,
  type JsonParseResult,
  type ParsedJson,
} from '../../src/policy/json-source.js';

function parsed(text: string, options?: Parameters<typeof parseJsonSource>[1]): ParsedJson {
  const r = parseJsonSource(text, options);
  if (!r.ok) assert.fail(`expected success, got: ${r.error.message}`);
  return r.json;
}

function syntaxError(text: string, options?: Parameters<typeof parseJsonSource>[1]) {
  const r: JsonParseResult = parseJsonSource(text, options);
  if (r.ok) assert.fail('expected a syntax error');
  return r.error;
}

describe('json-source: values', () => {
  it('produces the same values as JSON.parse', () => {
    const text =
      '{"a": [1, -2.5e3, 0, true, false, null, "x\\n\\"y\\u00e9\\ud83d\\ude00"], "b": {"c": {}}, "d": []}';
    assert.deepEqual(parsed(text).value, JSON.parse(text));
  });

  it('accepts every valid number form and rejects invalid ones', () => {
    for (const ok of ['0', '-0', '12', '1.5', '1e5', '1E+5', '1e-5', '-0.0e0']) {
      assert.equal(parsed(ok).value, JSON.parse(ok), ok);
    }
    for (const bad of ['01', '1.', '.5', '-', '1e', '+1', '1e+', '-a', 'NaN', 'Infinity']) {
      syntaxError(bad);
    }
  });

  it('decodes escapes, including surrogate pairs written as two \\u escapes', () => {
    assert.equal(parsed('"\\/\\b\\f\\n\\r\\t\\\\"').value, '/\b\f\n\r\t\\');
    assert.equal(parsed('"\\uD83D\\uDE00"').value, '\u{1F600}');
    assert.equal(parsed('"😀 raw"').value, '😀 raw');
  });

  it('makes "__proto__" an own property instead of changing the prototype', () => {
    const value = parsed('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.ok(Object.hasOwn(value, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('counts insignificant whitespace outside strings only', () => {
    const json = parsed('{ "a b" :\r\n\t"c d" }');
    assert.equal(json.whitespace, 6); // space, space, CR, LF, tab, space
  });
});

describe('json-source: positions', () => {
  const text = ['{', '  "Version": "1",', '  "Statement": [', '    {"Effect": "Allow"}', '  ]', '}'].join(
    '\n',
  );

  it('records 1-based start and exclusive end of every value', () => {
    const json = parsed(text);
    assert.deepEqual(json.values.get(''), { start: { line: 1, column: 1 }, end: { line: 6, column: 2 } });
    assert.deepEqual(json.values.get('Version'), {
      start: { line: 2, column: 14 },
      end: { line: 2, column: 17 },
    });
    assert.deepEqual(json.values.get('Statement'), {
      start: { line: 3, column: 16 },
      end: { line: 5, column: 4 },
    });
    assert.deepEqual(json.values.get('Statement[0]'), {
      start: { line: 4, column: 5 },
      end: { line: 4, column: 24 },
    });
    assert.deepEqual(json.values.get('Statement[0].Effect'), {
      start: { line: 4, column: 16 },
      end: { line: 4, column: 23 },
    });
  });

  it('records positions of object keys', () => {
    const json = parsed(text);
    assert.deepEqual(json.keys.get('Statement[0].Effect'), {
      start: { line: 4, column: 6 },
      end: { line: 4, column: 14 },
    });
    assert.equal(json.keys.get('Statement[0]'), undefined);
  });

  it('counts CRLF and lone CR as one line break each', () => {
    const json = parsed('{\r\n"a":\r1,\r\n  "b": 2}');
    assert.deepEqual(json.values.get('a')?.start, { line: 3, column: 1 });
    assert.deepEqual(json.values.get('b')?.start, { line: 4, column: 8 });
  });

  it('skips a UTF-8 BOM and counts columns from the first character after it', () => {
    const json = parsed('\uFEFF{"a": 1}');
    assert.equal(json.bom, true);
    assert.deepEqual(json.values.get('a')?.start, { line: 1, column: 7 });
  });

  it('tolerates surrounding whitespace', () => {
    const json = parsed('\n\n   {"a": 1}   \n\t');
    assert.deepEqual(json.values.get('')?.start, { line: 3, column: 4 });
  });

  it('records nothing when positions are off', () => {
    const json = parsed('{"a": [1]}', { positions: false });
    assert.equal(json.values.size, 0);
    assert.equal(json.keys.size, 0);
  });
});

describe('json-source: paths and duplicates', () => {
  it('builds dotted paths and quotes keys that would be ambiguous', () => {
    assert.equal(childPath('', 'Statement'), 'Statement');
    assert.equal(childPath('Statement', 1), 'Statement[1]');
    assert.equal(childPath('Statement[1]', 'Effect'), 'Statement[1].Effect');
    assert.equal(childPath('C.StringEquals', 'aws:username'), 'C.StringEquals.aws:username');
    assert.equal(childPath('C', 'a.b'), 'C["a.b"]');
    assert.equal(childPath('C', ''), 'C[""]');
    assert.equal(childPath('C', 'a b'), 'C["a b"]');
  });

  it('reports duplicate keys at the second occurrence; the later value wins', () => {
    const json = parsed('{"S": [{"Effect": "Allow",\n "Effect": "Deny"}]}');
    assert.deepEqual(json.duplicates, [
      { path: 'S[0]', key: 'Effect', span: { start: { line: 2, column: 2 }, end: { line: 2, column: 10 } } },
    ]);
    assert.deepEqual(json.value, { S: [{ Effect: 'Deny' }] });
  });
});

describe('json-source: syntax errors', () => {
  it('names the unexpected character with its line and column', () => {
    const e = syntaxError('{\n  "a": 1,\n    }');
    assert.equal(
      e.message,
      "Unexpected character '}' at line 3, column 5: expected a property name in double quotes",
    );
    assert.equal(e.line, 3);
    assert.equal(e.column, 5);
  });

  it('reports a missing value', () => {
    assert.match(
      syntaxError('{"a": }').message,
      /^Unexpected character '}' at line 1, column 7: expected a value$/,
    );
  });

  it('reports the end of input', () => {
    assert.match(syntaxError('{"a": [1, 2').message, /^Unexpected end of input at line 1, column 12/);
    assert.match(syntaxError('"abc').message, /^Unterminated string starting at line 1, column 1/);
  });

  it('rejects an empty or blank document', () => {
    assert.equal(syntaxError('').message, 'Document is empty');
    assert.equal(syntaxError(' \n ').message, 'Document is empty');
  });

  it('rejects trailing content and trailing commas', () => {
    assert.match(syntaxError('{} {}').message, /^Unexpected character '\{' at line 1, column 4/);
    assert.match(syntaxError('[1,]').message, /^Unexpected character '\]'/);
    assert.match(syntaxError('{"a":1,}').message, /^Unexpected character '\}'/);
  });

  it('rejects single quotes, unquoted keys, comments and misspelt literals', () => {
    assert.match(syntaxError("{'a': 1}").message, /Unexpected character '''/);
    assert.match(syntaxError('{a: 1}').message, /Unexpected character 'a'/);
    assert.match(syntaxError('{"a": 1 // c\n}').message, /Unexpected character '\/'/);
    assert.match(syntaxError('[tru]').message, /Unexpected character '\]'.*expected "true"/);
    assert.match(syntaxError('nul').message, /Unexpected end of input/);
  });

  it('rejects invalid escapes and control characters in strings', () => {
    assert.match(syntaxError('"a\\x"').message, /^Invalid escape '\\x' in string at line 1, column 3/);
    assert.match(syntaxError('"\\u12G4"').message, /^Invalid \\u escape/);
    assert.match(syntaxError('"a\tb"').message, /^Control character U\+0009 in string/);
    assert.match(syntaxError('"a\nb"').message, /^Control character U\+000A in string/);
  });

  it('rejects lone surrogates, escaped or raw', () => {
    assert.match(syntaxError('"\\uD800"').message, /^Unpaired surrogate \\uD800/);
    assert.match(syntaxError('"\\uDC00x"').message, /^Unpaired surrogate \\uDC00/);
    assert.match(syntaxError('"\\uD800\\u0041"').message, /^Unpaired surrogate/);
    assert.match(
      syntaxError('"a\uD800b"').message,
      /^Unpaired surrogate U\+D800 in string at line 1, column 3/,
    );
    assert.match(syntaxError('"\uDFFF"').message, /^Unpaired surrogate U\+DFFF/);
  });

  it('describes invisible characters by code point', () => {
    assert.match(syntaxError('{\u0001}').message, /Unexpected character U\+0001/);
  });
});

describe('json-source: hostile input', () => {
  it('limits nesting depth without overflowing the stack', () => {
    const e = syntaxError('['.repeat(100_000));
    assert.equal(e.message, 'Nesting deeper than 64 levels at line 1, column 65');
    assert.match(syntaxError('{"a":'.repeat(100_000)).message, /^Nesting deeper than 64 levels/);
  });

  it('accepts exactly the maximum depth', () => {
    assert.ok(parseJsonSource('['.repeat(64) + ']'.repeat(64)).ok);
    assert.ok(!parseJsonSource('['.repeat(65) + ']'.repeat(65)).ok);
    assert.ok(parseJsonSource('[[[]]]', { maxDepth: 3 }).ok);
    assert.ok(!parseJsonSource('[[[[]]]]', { maxDepth: 3 }).ok);
  });

  it('parses a 1 MB string', () => {
    const big = 'x'.repeat(1 << 20);
    const json = parsed(`{"a": "${big}"}`);
    assert.equal((json.value as { a: string }).a.length, 1 << 20);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const r = parseJsonSource(s);
        assert.equal(typeof r.ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on JSON-like fragments and agrees with JSON.parse on what it accepts', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"a"',
      '"\\u',
      '1',
      '-',
      'e',
      'true',
      'null',
      ' ',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const text = tokens.join('');
        const r = parseJsonSource(text);
        let native: unknown;
        let nativeOk = true;
        try {
          native = JSON.parse(text);
        } catch {
          nativeOk = false;
        }
        assert.equal(r.ok, nativeOk, text);
        if (r.ok) assert.deepEqual(r.json.value, native);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v, null, 1);
        const r = parseJsonSource(text);
        if (!r.ok) assert.fail(r.error.message);
        assert.deepEqual(r.json.value, JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
