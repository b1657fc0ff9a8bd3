import { InputError, Interrupted, UsageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { COMMANDS } from './commands/index.js';
import type { CliIO } from './io.js';
import { mayHoldSecret } from '../analyzers/secrets/screen.js';
import { isVerdictPrefix } from './verdict.js';

type Masker = (text: string) => string;

/**
 * `stream` with every string written to it passed through the secret masker. The masker (the secrets engine and
 * its rules) is loaded on the first write that could hold a secret (screen.ts), not at start-up. Writes made
 * while it loads wait in order and go out once it is there; {@link MaskedStream.flushed} resolves when none wait.
 */
interface MaskedStream<S> {
  stream: S;
  flushed(): Promise<void>;
}

function maskedStream<S extends NodeJS.WritableStream>(stream: S): MaskedStream<S> {
  let mask: Masker | undefined;
  let loading: Promise<void> | undefined;
  const waiting: unknown[][] = [];
  const write = (chunk: unknown, more: unknown[]): boolean =>
    (stream.write as (...a: unknown[]) => boolean)(
      typeof chunk === 'string' ? mask!(chunk) : Buffer.isBuffer(chunk) ? Buffer.from(mask!(chunk.toString('utf8'))) : chunk,
      ...more,
    );
  const load = (): Promise<void> =>
    (loading ??= import('../analyzers/secrets/mask.js').then(
      (m) => {
        mask = m.maskSecrets;
        for (const [chunk, ...more] of waiting.splice(0)) write(chunk, more);
      },
      (e: unknown) => {
        // Without the masker nothing waiting may be printed (it could hold a secret): say so instead.
        waiting.length = 0;
        (stream.write as (s: string) => boolean)(`pipeguard: internal error: cannot load the secret masker (${String(e)})\n`);
      },
    ));
  const proxy = new Proxy(stream, {
    get(target, key) {
      if (key === 'write') {
        return (chunk: unknown, ...more: unknown[]) => {
          if (mask) return write(chunk, more);
          // A text none of the secret rules could match goes out as it is (nothing may overtake a waiting one).
          const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
          if (waiting.length === 0 && (text === undefined || isVerdictPrefix(text) || !mayHoldSecret(text))) {
            return (stream.write as (...a: unknown[]) => boolean)(chunk, ...more);
          }
          waiting.push([chunk, ...more]);
          void load();
          return true;
        };
      }
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { stream: proxy, flushed: () => (loading ?? Promise.resolve()) };
}

async function usage(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const w = Math.max(...commands.map((c) => c.name.length));
  return `pipeguard ${VERSION}: security checks for every stage of a CI/CD pipeline

Usage: pipeguard <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run 'pipeguard <command> --help' for a command's options.
Exit codes: 0 ran and the gate passed, 1 ran and the gate failed, 2 usage, config or input error.
`;
}

/**
 * The whole CLI as a function: parses `argv` (without `node` and the script), runs the command, and returns
 * the exit code. Errors become one line on stderr and exit code 2; nothing here exits the process.
 */
export async function run(argv: string[], raw: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  // Whatever reaches stderr (errors quoting a config value, a baseline's first bytes, a file name, warnings) is
  // masked: a secret is never printed whole there, --show-secrets or not.
  const stderr = maskedStream(raw.stderr);
  const io: CliIO = { ...raw, stderr: stderr.stream };
  try {
    return await runCommand(name, rest, io);
  } finally {
    await stderr.flushed();
  }
}

/** {@link run} once stderr is masked. */
async function runCommand(name: string | undefined, rest: string[], io: CliIO): Promise<number> {
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      const entry = topic ? COMMANDS.find((c) => c.name === topic) : undefined;
      if (topic && !entry) throw new UsageError(`unknown command ${topic}`);
      io.stdout.write(entry ? (await entry.load()).help : await usage());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) throw new UsageError(`unknown command ${name} (run 'pipeguard --help' for the list)`);
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(cmd.help);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`pipeguard: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr.write(`pipeguard: ${e.format()}\n`);
      return 2;
    }
    if (e instanceof Interrupted) {
      io.stderr.write(`pipeguard: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr.write(`pipeguard: internal error: ${msg.split('\n')[0]} (please report it; set PIPEGUARD_DEBUG=1 for details)\n`);
    if (io.env['PIPEGUARD_DEBUG'] && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
    return 2;
  }
}
