/**
 * header-scan — reads a JSON object one member at a time, so that a huge header costs memory
 * for one member's parsed value at a time, not for all of them at once.
 *
 * A safetensors header is `{"name": {...}, "name": {...}, …}`, up to 100 MB. `JSON.parse` on
 * the whole of it would build every member's object before we look at any; instead we walk the
 * top level by hand — skipping whitespace, finding where each key and each value ends (strings
 * may hold escaped quotes; objects and arrays nest) — and give each key and value alone to
 * `JSON.parse`, which checks its syntax — or not at all, when the caller finds the value too long
 * to be what it expects. The grammar accepted is JSON's; keys come in file order, duplicates
 * included (the caller decides what a duplicate means).
 */

/** A syntax error in the header, with the position (in UTF-16 units of the decoded text). */
export class HeaderSyntaxError extends Error {
  constructor(message: string, at: number) {
    super(`${message} at position ${at}`);
    this.name = 'HeaderSyntaxError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where the string starting at `i` (a quote) ends, one past its closing quote. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) j++;
  }
  throw new HeaderSyntaxError('unterminated string', i);
}

/** Where the value starting at `i` ends (its syntax is checked later, by JSON.parse). */
function valueEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) j = stringEnd(text, j) - 1;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return j + 1;
    }
    throw new HeaderSyntaxError('unterminated object or array', i);
  }
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    j++;
  }
  if (j === i) throw new HeaderSyntaxError('expected a value', i);
  return j;
}

/** The key whose quoted text is [begin, end): sliced directly when it holds no escape or control character. */
function keyAt(text: string, begin: number, end: number): string {
  for (let j = begin + 1; j < end - 1; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH || c < 0x20) return parseAt(text, begin, end) as string;
  }
  return text.slice(begin + 1, end - 1);
}

function parseAt(text: string, begin: number, end: number): unknown {
  try {
    return JSON.parse(text.slice(begin, end));
  } catch (error) {
    throw new HeaderSyntaxError(`${(error as Error).message}, in the value starting`, begin);
  }
}

/** One member of an object: its key, the length of its value's text, and the value, parsed on demand. */
export interface Member {
  readonly key: string;
  readonly valueLength: number;
  value(): unknown;
}

/**
 * The members of the JSON object `text`, one at a time, in order.
 * @example [...scanObject('{"a": 1, "b": [2]}')].map((m) => [m.key, m.value()])  // [['a', 1], ['b', [2]]]
 */
export function* scanObject(text: string): Generator<Member> {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  const expect = (code: number, what: string): void => {
    skip();
    if (text.charCodeAt(i) !== code) throw new HeaderSyntaxError(`expected ${what}`, i);
    i++;
  };
  expect(OPEN_BRACE, "'{'");
  skip();
  if (text.charCodeAt(i) === CLOSE_BRACE) i++;
  else {
    for (;;) {
      skip();
      if (text.charCodeAt(i) !== QUOTE) throw new HeaderSyntaxError('expected a quoted key', i);
      const keyEnd = stringEnd(text, i);
      const key = keyAt(text, i, keyEnd);
      i = keyEnd;
      expect(COLON, "':'");
      skip();
      const begin = i;
      const end = valueEnd(text, i);
      yield { key, valueLength: end - begin, value: () => parseAt(text, begin, end) };
      i = end;
      skip();
      const c = text.charCodeAt(i);
      i++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) throw new HeaderSyntaxError("expected ',' or '}'", i - 1);
    }
  }
  skip();
  if (i < text.length) throw new HeaderSyntaxError('unexpected text after the object', i);
}
