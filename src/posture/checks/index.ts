import { accessCheck } from './access.js';
import { actionsCheck } from './actions.js';
import { branchCheck } from './branches.js';
import { featuresCheck } from './features.js';
import { orgCheck } from './org.js';
import { reviewsCheck } from './reviews.js';
import { secretsCheck } from './secrets.js';
import { webhooksCheck } from './webhooks.js';
import type { OrgCheck, RepoCheck } from './types.js';

/** Every repository check family, in report order. Adding one is one line here. */
export const REPO_CHECKS: readonly RepoCheck[] = [branchCheck, accessCheck, secretsCheck, actionsCheck, featuresCheck, webhooksCheck, reviewsCheck];

/** Every organisation check family. */
export const ORG_CHECKS: readonly OrgCheck[] = [orgCheck];
