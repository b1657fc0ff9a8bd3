// Entry of the GitHub Action (action.yml, `runs.using: node20`): turns the action's inputs (INPUT_* variables)
// into a `pipeguard scan` command line and runs the bundled CLI (dist/bundle/main.js) with the runner's Node 20.
// No shell is involved, so an input can never run a command. The bundle is built on first use when the action's
// checkout does not carry it (dist/ is not committed): `npm ci` when node_modules is missing, then the bundler.
// The step's exit code is the CLI's (0 passed, 1 gate failed, 2 input error); outputs go to $GITHUB_OUTPUT.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bundle', 'main.js');

/** An input as the runner passes it: `INPUT_<NAME>`, upper case, spaces as underscores (hyphens kept). */
function input(name) {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function ensureBundle() {
  if (existsSync(cli)) return;
  process.stdout.write('::group::pipeguard: building the CLI bundle (first use of this action version)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!existsSync(join(root, 'node_modules'))) {
    if (run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root }) !== 0) throw new Error('npm ci failed in the action folder');
  }
  if (run(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root }) !== 0) throw new Error('building the CLI bundle failed');
  process.stdout.write('::endgroup::\n');
}

/** The `pipeguard scan` arguments for the inputs. */
export function scanArgs(get = input) {
  const args = ['scan', get('path') || '.', '--no-progress', '--format', 'table'];
  const scanners = get('scanners');
  if (scanners) args.push('--scanners', scanners.split(/[\s,]+/).filter(Boolean).join(','));
  const failOn = get('fail-on');
  if (failOn) args.push('--fail-on', failOn);
  const config = get('config');
  if (config) args.push('--config', config);
  const sarif = get('sarif');
  if (sarif) args.push('--format', 'sarif', '--output', sarif);
  const extra = get('args');
  if (extra) args.push(...extra.split(/\s+/).filter(Boolean));
  return args;
}

function output(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${String(value).replace(/[\r\n]/g, ' ')}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let code;
  try {
    ensureBundle();
    const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
    // The CLI writes reports into existing folders only: make the SARIF file's folder.
    if (input('sarif')) mkdirSync(dirname(resolve(cwd, input('sarif'))), { recursive: true });
    code = run(process.execPath, [cli, ...scanArgs()], { cwd });
  } catch (e) {
    process.stdout.write(`::error title=pipeguard::${e instanceof Error ? e.message : String(e)}\n`);
    code = 2;
  }
  const sarif = input('sarif');
  output('sarif', sarif);
  output('exit-code', code);
  if (code !== 0) process.stdout.write(`::error title=pipeguard::${code === 1 ? 'the security gate failed (see the findings above)' : 'pipeguard could not run (exit 2)'}\n`);
  process.exit(code);
}
