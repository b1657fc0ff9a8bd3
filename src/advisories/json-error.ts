/**
 * Finds where a JSON text stops being valid, because `JSON.parse` in Node 20 often reports no
 * position. A small syntax-only scanner: returns the 0-based offset and a short reason, or undefined
 * when the text is valid JSON.
 */
export function jsonErrorAt(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (reason: string): never => {
    throw { offset: i, reason };
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a string key, found ${show(text[i])}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':', found ${show(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}', found ${show(text[i])}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']', found ${show(text[i])}`);
      }
    } else if (c === '"') {
      string();
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail('invalid number');
      i += (m as RegExpExecArray)[0].length;
    } else {
      for (const lit of ['true', 'false', 'null']) {
        if (text.startsWith(lit, i)) {
          i += lit.length;
          return;
        }
      }
      fail(`unexpected ${show(c)}`);
    }
  };
  const string = (): void => {
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') i += 2;
      else if (c !== undefined && c < ' ') fail('control character in string');
      else i++;
    }
    fail('unterminated string');
  };
  try {
    value(0);
    ws();
    if (i < n) fail(`unexpected ${show(text[i])} after the end of the document`);
    return undefined;
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as { offset: number; reason: string };
    throw e;
  }
}

function show(c: string | undefined): string {
  return c === undefined ? 'end of file' : JSON.stringify(c);
}

/** JSON.parse, or throws `{ line, message }` with the 1-based line of the first syntax error. */
export function parseJsonWithLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) throw e;
    const line = text.slice(0, at.offset).split('\n').length;
    throw Object.assign(new Error(`invalid JSON: ${at.reason}`), { line });
  }
}
