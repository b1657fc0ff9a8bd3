import type { Location } from '../core/types.js';

/**
 * Where a finding about a repository setting is: the repository (`github.com/acme/api`) as the path, the setting as
 * the logical location. This is the one place that builds such a location, so moving to the core contract's
 * `{ kind: 'repository', repository, setting, url }` is an edit here alone; until then the settings page URL
 * travels in the finding's `data.url`.
 */
export function repositoryLocation(repository: string, setting?: string, _url?: string): Location {
  return { path: repository, ...(setting ? { logical: setting } : {}) };
}
