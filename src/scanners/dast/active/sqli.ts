/**
 * SQL injection: database error signatures (per DBMS, confirmed by a balanced quote that does not raise them),
 * boolean differentials (a true condition gives the original answer and a false one another, twice, including
 * OR forms for login forms and closing contexts such as `')`), and time-based candidates handed to the
 * statistical confirmer (timing.ts).
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import type { Res } from '../http/client.js';
import { differs, isTextual, same } from './compare.js';
import type { TimingCandidate } from './timed.js';

/** DBMS error signatures: [DBMS, regex]. */
export const SQL_ERRORS: [string, RegExp][] = [
  ['SQLite', /SQLITE_ERROR|SqliteError|sqlite3\.OperationalError|unrecognized token: "|near "[^"]{0,40}": syntax error|\bincomplete input\b.{0,40}(?:sql|sqlite)|SQLite\/JDBCDriver|System\.Data\.SQLite\.SQLiteException/i],
  ['PostgreSQL', /unterminated quoted string at or near|syntax error at or near "|PSQLException|PG::SyntaxError|pg_query\(\)|invalid input syntax for (?:type )?\w+|ERROR:\s+syntax error at end of input/i],
  ['MySQL/MariaDB', /You have an error in your SQL syntax|check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB)|MySqlException|com\.mysql\.jdbc|Warning: mysqli?_|ER_PARSE_ERROR/i],
  ['SQL Server', /Unclosed quotation mark after the character string|Microsoft OLE DB Provider for SQL Server|Incorrect syntax near '|System\.Data\.SqlClient\.SqlException/i],
  ['Oracle', /\bORA-0(?:0933|1756|0921)\b|quoted string not properly terminated/i],
];

/** The DBMS whose error is in `body` (and not in `baseline`), if any. */
export function sqlError(body: string, baseline = ''): [string, string] | undefined {
  for (const [dbms, re] of SQL_ERRORS) {
    const m = re.exec(body);
    if (m && !re.test(baseline)) return [dbms, m[0]];
  }
  return undefined;
}

/** One true/false pair of a context: the suffixes added to the original value. */
interface Pair {
  name: string;
  t: [string, string];
  f: [string, string];
  /** OR forms: the true condition changes the answer, the false one keeps it. */
  or?: boolean;
  numeric?: boolean;
}

const PAIRS: Pair[] = [
  { name: 'string', t: ["' AND '7'='7", "' AND 'pg'='pg"], f: ["' AND '7'='8", "' AND 'pg'='qg"] },
  { name: 'numeric', t: [' AND 7=7', ' AND 42=42'], f: [' AND 7=8', ' AND 42=43'], numeric: true },
  { name: "string ')", t: ["') AND ('7'='7", "') AND ('pg'='pg"], f: ["') AND ('7'='8", "') AND ('pg'='qg"] },
  { name: "string '))", t: ["')) AND (('7'='7", "')) AND (('pg'='pg"], f: ["')) AND (('7'='8", "')) AND (('pg'='qg"] },
  { name: 'double-quoted', t: ['" AND "7"="7', '" AND "pg"="pg'], f: ['" AND "7"="8', '" AND "pg"="qg'] },
  { name: 'string OR', t: ["' OR '7'='7", "' OR 'pg'='pg"], f: ["' OR '7'='8", "' OR 'pg'='qg"], or: true },
  { name: 'string OR comment', t: ["' OR 7=7-- ", "' OR 42=42-- "], f: ["' OR 7=8-- ", "' OR 42=43-- "], or: true },
  { name: "string ') OR comment", t: ["') OR 7=7-- ", "') OR 42=42-- "], f: ["') OR 7=8-- ", "') OR 42=43-- "], or: true },
];

/** Error-based and boolean-based SQL injection in one parameter. */
export async function checkSqli(run: DastRun, e: Endpoint, p: Param, base: Res): Promise<void> {
  if (!isTextual(p.value)) return;
  const v = String(p.value);
  if (run.enabled('dast-sqli-error')) {
    for (const q of ["'", '"']) {
      const res = await run.probe(e, { param: p, value: v + q });
      const err = res && sqlError(res.body, base.body);
      if (!res || !err) continue;
      const balanced = await run.probe(e, { param: p, value: v + q + q });
      if (balanced && sqlError(balanced.body, base.body)) continue;
      run.report('dast-sqli-error', {
        endpoint: e,
        param: p,
        message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} breaks the SQL statement: a ${q} raised a ${err[0]} error, ${q}${q} did not.`,
        res,
        proof: err[1],
        data: { dbms: err[0], payload: v + q },
      });
      return;
    }
  }
  if (!run.enabled('dast-sqli-boolean')) return;
  for (const pair of PAIRS) {
    if (pair.numeric && !/^-?\d+$/.test(v)) continue;
    const drop = [...pair.t, ...pair.f].map((s) => v + s);
    const t1 = await run.probe(e, { param: p, value: v + pair.t[0] });
    const f1 = await run.probe(e, { param: p, value: v + pair.f[0] });
    if (!t1 || !f1) continue;
    const ok = (t: Res, f: Res) => (pair.or ? differs(t, base, drop) && same(f, base, drop) && differs(t, f, drop) : same(t, base, drop) && differs(f, base, drop));
    if (!ok(t1, f1)) continue;
    const t2 = await run.probe(e, { param: p, value: v + pair.t[1] });
    const f2 = await run.probe(e, { param: p, value: v + pair.f[1] });
    if (!t2 || !f2 || !ok(t2, f2) || !same(t1, t2, drop) || !same(f1, f2, drop)) continue;
    run.report('dast-sqli-boolean', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} is part of an SQL condition (${pair.name} context): always-true and always-false conditions gave different answers, twice.`,
      res: pair.or ? t1 : f1,
      data: { context: pair.name, true: [v + pair.t[0], v + pair.t[1]], false: [v + pair.f[0], v + pair.f[1]] },
    });
    return;
  }
}

/** Time-based SQL payload families: `{v}` is the original value, `{d}` the delay in seconds. */
const SLEEPS: { dbms: string; payload: string }[] = [
  { dbms: 'PostgreSQL', payload: "{v}'||(SELECT '' FROM pg_sleep({d}))||'" },
  { dbms: 'PostgreSQL', payload: '{v} AND 1=(SELECT 1 FROM pg_sleep({d}))' },
  { dbms: 'PostgreSQL', payload: "{v}';SELECT pg_sleep({d})-- " },
  { dbms: 'MySQL/MariaDB', payload: "{v}' AND (SELECT 1 FROM (SELECT SLEEP({d}))x)-- " },
  { dbms: 'MySQL/MariaDB', payload: '{v} AND (SELECT 1 FROM (SELECT SLEEP({d}))x)' },
  { dbms: 'MySQL/MariaDB', payload: "{v}' OR (SELECT 1 FROM (SELECT SLEEP({d}))x)-- " },
  { dbms: 'SQL Server', payload: "{v}';WAITFOR DELAY '0:0:{d}'-- " },
];

/** Time-based candidates for one parameter (run later, alone, by the confirmer). */
export function sqliTimeCandidates(run: DastRun, e: Endpoint, p: Param): TimingCandidate[] {
  if (!run.enabled('dast-sqli-time') || !isTextual(p.value)) return [];
  const v = String(p.value);
  return SLEEPS.filter((s) => !s.payload.startsWith('{v} AND') || /^-?\d+$/.test(v)).map((s) => ({
    ruleId: 'dast-sqli-time',
    endpoint: e,
    param: p,
    label: s.dbms,
    value: (d: number) => s.payload.replace('{v}', v).replace('{d}', d === 0 ? '0' : String(d)),
  }));
}
