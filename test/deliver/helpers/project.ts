// Helpers of the deliver tests: a project folder with an age identity, its recipients and a secrets file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptAge, formatSecretsYaml, newIdentity } from '../../../src/deliver/secrets/age-file.js';
import { makeDir, writeTree, type Tree } from '../../helpers/tmp.js';

/** The environment the CLI runs steps with in tests: a PATH to find node and sh, a throwaway HOME. */
export function testEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, ...extra };
}

/** A project folder with `tree`, an age identity (outside it) and, for each environment given, its secrets file. */
export async function makeProject(tree: Tree, secrets: Record<string, Record<string, string>> = {}): Promise<{ dir: string; home: string; identityFile: string; recipient: string }> {
  const dir = makeDir(tree);
  const home = makeDir();
  const { identity, recipient } = await newIdentity();
  const identityFile = join(home, 'identity.txt');
  writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 });
  for (const [env, values] of Object.entries(secrets)) {
    writeTree(dir, {
      [`secrets/${env}.recipients`]: `# test\n${recipient}\n`,
      [`secrets/${env}.age.yml`]: await encryptAge(formatSecretsYaml(new Map(Object.entries(values))), [recipient]),
    });
  }
  return { dir, home, identityFile, recipient };
}

/** True while a process runs (a zombie waiting for a parent that does not reap it counts as gone). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}
