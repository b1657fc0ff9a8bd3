import type { RepositoryLocation } from '../core/types.js';

/**
 * Where a finding about a repository setting is: the repository (`github.com/acme/api`: host and full name, so
 * GitHub Enterprise and self-managed GitLab instances stay apart), the setting (`branches/main/protection`), and the
 * page where a person changes it. The one place that builds such a location.
 */
export function repositoryLocation(repository: string, setting?: string, url?: string): RepositoryLocation {
  return { kind: 'repository', repository, ...(setting ? { setting } : {}), ...(url ? { url } : {}) };
}
