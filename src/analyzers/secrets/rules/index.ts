/**
 * All built-in secret rules, one file per category, concatenated and sorted by id.
 */
import type { SecretRuleSpec } from '../rule.js';
import { AI_RULES } from './ai.js';
import { CLOUD_RULES } from './cloud.js';
import { COMMS_RULES } from './comms.js';
import { DATABASE_RULES } from './databases.js';
import { GENERIC_RULES } from './generic.js';
import { KEY_RULES } from './keys.js';
import { KEYED_RULES } from './keyed.js';
import { PAYMENT_RULES } from './payments.js';
import { PREFIXED_RULES } from './prefixed.js';
import { SAAS_RULES } from './saas.js';
import { VCS_CI_RULES } from './vcs-ci.js';

/** Every built-in secret rule, sorted by id. */
export const BUILTIN_RULES: SecretRuleSpec[] = [
  ...AI_RULES,
  ...CLOUD_RULES,
  ...COMMS_RULES,
  ...DATABASE_RULES,
  ...GENERIC_RULES,
  ...KEY_RULES,
  ...KEYED_RULES,
  ...PAYMENT_RULES,
  ...PREFIXED_RULES,
  ...SAAS_RULES,
  ...VCS_CI_RULES,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
