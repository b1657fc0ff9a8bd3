import type { Actor } from './entry.js';

/**
 * Who is acting, from the environment: the CI system's own user, job URL and commit when running under GitHub
 * Actions, GitLab CI or Jenkins (the CI job is the outer shell of a pipeline run), else the local user and host.
 */
export function actorFromEnv(env: Record<string, string | undefined>, local: { user: string; host: string; pid?: number }): Actor {
  const base: Actor = { user: local.user, host: local.host, ...(local.pid !== undefined ? { pid: local.pid } : {}) };
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  if (env['GITHUB_ACTIONS'] === 'true') {
    const url = pick('GITHUB_SERVER_URL') && pick('GITHUB_REPOSITORY') && pick('GITHUB_RUN_ID') ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}` : pick('GITHUB_RUN_ID');
    return withOptional({ ...base, user: pick('GITHUB_ACTOR') ?? base.user, ci: 'github-actions' }, url, pick('GITHUB_SHA'));
  }
  if (env['GITLAB_CI'] === 'true') {
    return withOptional({ ...base, user: pick('GITLAB_USER_LOGIN') ?? base.user, ci: 'gitlab-ci' }, pick('CI_JOB_URL', 'CI_PIPELINE_ID'), pick('CI_COMMIT_SHA'));
  }
  if (pick('JENKINS_URL')) {
    return withOptional({ ...base, user: pick('BUILD_USER_ID') ?? base.user, ci: 'jenkins' }, pick('BUILD_URL', 'BUILD_TAG'), pick('GIT_COMMIT'));
  }
  if (env['CI'] === 'true' || env['CI'] === '1') return withOptional({ ...base, ci: 'ci' }, undefined, undefined);
  return base;
}

function withOptional(a: Actor, ciRun: string | undefined, commit: string | undefined): Actor {
  return { ...a, ...(ciRun ? { ciRun } : {}), ...(commit ? { commit } : {}) };
}
