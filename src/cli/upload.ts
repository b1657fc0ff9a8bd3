/** `--upload URL` of `scan` and `secrets`: sends the run's JSON report to a pipeguard server. */
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Decision, Report } from '../core/types.js';
import { render } from '../report/index.js';
import { uploadReport, UploadError } from '../server/client/upload.js';
import type { CliIO } from './io.js';

/** The options, for parseArgs. */
export const UPLOAD_OPTIONS = {
  upload: { type: 'string' },
  project: { type: 'string' },
  'run-id': { type: 'string' },
} as const;

/** Their help lines. */
export const UPLOAD_HELP = `Upload to a pipeguard server (token in PIPEGUARD_TOKEN):
      --upload URL        send the JSON report to the server at URL (base URL, or …/projects/NAME/reports)
      --project NAME      the server project (default: GITHUB_REPOSITORY, CI_PROJECT_PATH, or the folder name)
      --run-id ID         this run's id, so a retried upload is stored once (default: from the CI's variables)`;

/** The CI's id of this job, so a retried job uploads the same run. */
function ciRunId(env: Record<string, string | undefined>): string | undefined {
  if (env['GITHUB_RUN_ID']) return `gh-${env['GITHUB_RUN_ID']}-${env['GITHUB_RUN_ATTEMPT'] ?? '1'}-${env['GITHUB_JOB'] ?? ''}`;
  if (env['CI_JOB_ID']) return `gl-${env['CI_JOB_ID']}`;
  return undefined;
}

/** Uploads the report when `--upload` was given; prints one line on stderr. */
export async function uploadIfAsked(
  v: { upload?: string | undefined; project?: string | undefined; 'run-id'?: string | undefined },
  report: Report,
  decision: Decision,
  io: CliIO,
  absPath: string,
): Promise<void> {
  if (!v.upload) return;
  const env = io.env;
  const project = v.project ?? env['GITHUB_REPOSITORY'] ?? env['CI_PROJECT_PATH'] ?? basename(absPath);
  const runId = v['run-id'] ?? ciRunId(env);
  const commit = env['GITHUB_SHA'] ?? env['CI_COMMIT_SHA'];
  const branch = env['GITHUB_REF_NAME'] ?? env['CI_COMMIT_REF_NAME'];
  const token = env['PIPEGUARD_TOKEN'];
  try {
    const r = await uploadReport({
      url: v.upload,
      project,
      body: render('json', report, decision, { color: false }),
      ...(token ? { token } : {}),
      ...(runId ? { runId } : {}),
      ...(commit ? { commit } : {}),
      ...(branch ? { branch } : {}),
    });
    const b = r.body;
    io.stderr.write(
      r.status === 201
        ? `pipeguard: uploaded to ${project}: ${String(b['total'])} finding(s), ${String(b['new'])} new, ${String(b['reintroduced'])} reintroduced, ${String(b['fixed'])} fixed\n`
        : `pipeguard: this run was already uploaded to ${project}\n`,
    );
  } catch (e) {
    if (e instanceof UploadError) throw new InputError(`cannot upload the report: ${e.message}`, v.upload.replace(/\/\/[^@/]*@/, '//'));
    throw e;
  }
}
