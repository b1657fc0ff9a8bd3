// Shared set-up of the posture tests: a double serving a recording, and runPosture against it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type Config } from '../../src/config/schema.js';
import { locationPath } from '../../src/core/location.js';
import type { Finding } from '../../src/core/types.js';
import { DiskCache } from '../../src/forge/cache.js';
import { githubEndpoint, gitlabEndpoint } from '../../src/forge/endpoint.js';
import { runPosture, type PostureOptions } from '../../src/posture/run.js';
import { ForgeDouble, type Recording } from '../helpers/forge-double.js';
import { makeDir } from '../helpers/tmp.js';

/** The fixed "now" of every posture test (deploy key ages are counted from it). */
export const NOW = new Date('2026-01-02T03:04:05Z');

/** A recording of test/posture/fixtures. */
export function recording(name: string): Recording {
  return ForgeDouble.load(new URL(`./fixtures/${name}.json`, import.meta.url));
}

/** Runs a posture assessment against `double`. */
export async function assess(
  double: ForgeDouble,
  subject: PostureOptions['subject'],
  o: { token?: string; config?: Record<string, unknown>; cache?: DiskCache; offline?: boolean; files?: PostureOptions['files'] } = {},
) {
  const env = { [double.recording.forge === 'github' ? 'GITHUB_TOKEN' : 'GITLAB_TOKEN']: o.token ?? 'test-token' };
  if (o.token === '') delete env[double.recording.forge === 'github' ? 'GITHUB_TOKEN' : 'GITLAB_TOKEN'];
  const endpoint = double.recording.forge === 'github' ? githubEndpoint(env, double.url) : gitlabEndpoint(env, double.url);
  // The Best Practices service is the double too: no test leaves the machine.
  const given = (o.config ?? {}) as { forge?: Record<string, unknown> };
  const config: Config = configSchema.parse({ ...given, forge: { bestPracticesUrl: double.url.replace(/\/api\/v4$/, ''), ...(given.forge ?? {}) } });
  return runPosture({
    subject,
    endpoint,
    config,
    cache: o.cache ?? new DiskCache(makeDir()),
    ...(o.offline ? { offline: true } : {}),
    files: o.files ?? { mode: 'remote' },
    now: () => NOW,
    sleep: async () => {},
  });
}

/** `ruleId identity-or-path` of every finding, sorted: what the expectations list. */
export function keys(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.scanner === 'forge' ? f.identity : (locationPath(f.location) ?? '')}`).sort();
}

/** Every file under `dir`, recursively (to look into a cache directory). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}
