import { UsageError } from '../../core/errors.js';
import type { Command } from '../io.js';

/** `pipeguard postmortem`. */
export const postmortemCommand: Command = {
  name: 'postmortem',
  summary: 'a postmortem report of a deploy or pipeline run',
  help: 'Usage: pipeguard postmortem <run-id|deploy-id|--since T --until T>',
  async run() {
    throw new UsageError('not yet');
  },
};
