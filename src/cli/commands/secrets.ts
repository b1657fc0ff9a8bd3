import { UsageError } from '../../core/errors.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';
import { runScanCommand, SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-run.js';

/** `pipeguard secrets [path] [--history | --staged]`: the secrets scanner alone. */
export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'find credentials in a folder, the full git history (--history) or staged changes (--staged)',
  help: `Usage: pipeguard secrets [PATH] [--history [--since REV | --commits A..B] | --staged] [options]

Looks for credentials, keys and tokens. PATH defaults to the current folder.

      --history           every blob of every commit on every ref (each blob read once); findings name the
                          commit, author and date that introduced them
      --since REV         with --history: only commits not reachable from REV
      --commits A..B      with --history: only the commits of this range
      --staged            the staged content (the index), only added lines: for a pre-commit hook
${SCAN_OPTIONS_HELP}

Examples:
  pipeguard secrets .
  pipeguard secrets --history --format json --output leaks.json
  pipeguard secrets --staged          # in .git/hooks/pre-commit
`,
  async run(argv, io) {
    const { values, positionals, tokens } = parse(argv, {
      ...SCAN_OPTIONS,
      history: { type: 'boolean' },
      since: { type: 'string' },
      commits: { type: 'string' },
      staged: { type: 'boolean' },
    });
    if (values.history && values.staged) throw new UsageError('--history and --staged cannot be used together');
    if ((values.since || values.commits) && !values.history) throw new UsageError('--since and --commits go with --history');
    if (values.since && values.commits) throw new UsageError('give --since or --commits, not both');
    const path = positionals[0] ?? '.';
    if (path === '-' && (values.history || values.staged)) throw new UsageError('--history and --staged read a repository, not stdin');
    return runScanCommand(
      {
        path,
        values,
        tokens,
        scanners: ['secrets'],
        ...(values.history ? { history: true } : {}),
        ...(values.since ? { since: values.since } : {}),
        ...(values.commits ? { commits: values.commits } : {}),
        ...(values.staged ? { staged: true } : {}),
      },
      io,
    );
  },
};
