import { InputError, Interrupted, UsageError } from '../core/errors.js';
import { VERSION } from '../engine/run.js';
import { COMMANDS } from './commands/index.js';
import type { CliIO } from './io.js';
import { maskSecrets } from '../analyzers/secrets/mask.js';

/** `stream` with every string written to it passed through the secret masker. */
function maskedStream<S extends NodeJS.WritableStream>(stream: S): S {
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') {
        return (chunk: unknown, ...more: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? maskSecrets(chunk) : Buffer.isBuffer(chunk) ? Buffer.from(maskSecrets(chunk.toString('utf8'))) : chunk, ...more);
      }
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
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
  const io: CliIO = { ...raw, stderr: maskedStream(raw.stderr) };
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
