import { list, parse } from '../args.js';
import type { Command } from '../io.js';
import { runScanCommand, SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-run.js';

/** `pipeguard scan [path]`: every enabled scanner. */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'run every enabled scanner on a folder, file, archive, container image or stdin and apply the gate',
  help: `Usage: pipeguard scan [PATH] [options]

Runs every enabled scanner on PATH (default: the current folder): a folder, a single file, an archive
(zip, jar, tar, tgz), a container image (OCI layout folder, OCI archive, docker save tarball), or '-' for
standard input. Exit 0 when the gate passes, 1 when it fails, 2 on bad usage,
config or input.

      --scanners LIST     only these scanners (comma-separated ids; see 'pipeguard rules')
${SCAN_OPTIONS_HELP}

Examples:
  pipeguard scan .
  pipeguard scan . --format sarif --output pipeguard.sarif
  pipeguard scan dist/app.tgz --fail-on medium
  pipeguard scan shop-image.tar --platform linux/arm64
  git diff | pipeguard scan - --stdin-name change.diff
`,
  async run(argv, io) {
    const { values, positionals, tokens } = parse(argv, { ...SCAN_OPTIONS, scanners: { type: 'string', multiple: true } });
    const scanners = list(values.scanners);
    return runScanCommand({ path: positionals[0] ?? '.', values, tokens, ...(scanners.length ? { scanners } : {}) }, io);
  },
};
