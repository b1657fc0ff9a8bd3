import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

type HelpOption = { help: { type: 'boolean'; short: 'h' } };
/** What {@link parse} returns: parseArgs' typed values and the positionals. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: HelpOption & O; allowPositionals: true; strict: true; tokens: true }>>;

/** `node:util` parseArgs with strict checking, turning its errors into UsageErrors. */
export function parse<O extends Options>(argv: string[], options: O, maxPositionals = 1): Parsed<O> {
  let r: Parsed<O>;
  try {
    const help: HelpOption = { help: { type: 'boolean', short: 'h' } };
    r = parseArgs({ args: argv, options: { ...help, ...options }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // One line, as every usage error: parseArgs' messages span several (`--max-file-size -1`).
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(msg.split('\n').map((l) => l.trim()).filter(Boolean).join(' '));
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

/** `--platform`: `os/arch` or `os/arch/variant`. */
export function platformOption(v: string): string {
  if (!/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_]+)?$/.test(v)) throw new UsageError(`--platform takes os/arch or os/arch/variant (linux/arm64), not ${JSON.stringify(v)}`);
  return v;
}
