import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs with strict checking, turning its errors into UsageErrors. */
export function parse<O extends Options>(argv: string[], options: O, maxPositionals = 1) {
  let r;
  try {
    r = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (r.positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${r.positionals[maxPositionals]}`);
  return r;
}

/** Values of a repeatable option that may also hold comma-separated lists. */
export function list(v: string | boolean | (string | boolean)[] | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** A positive integer option. */
export function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} takes a positive whole number, not ${JSON.stringify(v)}`);
  return Number(v);
}
