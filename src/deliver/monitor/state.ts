import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { writeFileAtomic } from '../fs-atomic.js';

/** What the monitor knows of one step from earlier events. */
export interface StepState {
  /** Secret names it has read. */
  secrets: string[];
  /** Outbound hosts it has contacted. */
  hosts: string[];
  /** How many times it finished: a step is `known` (its reads and hosts are a baseline) after its first run. */
  finished: number;
}

/**
 * The small state file (`monitor.state`): per pipeline step the secrets it read and the hosts it contacted, the
 * artifacts whose signature was verified, which pipeline each run belongs to, and how far each input was read
 * (so the next `pipeguard monitor` goes on from there).
 */
export interface MonitorState {
  v: 1;
  steps: Record<string, StepState>;
  /** Digests and references of artifacts whose signature was verified (`artifact.verified`, `deploy.artifact`). */
  verified: string[];
  /** deploy id -> the candidate's artifact and whether the deploy's own gate verified its signature. */
  deploys: Record<string, { ref: string; digest: string; verified: boolean }>;
  /** run id -> pipeline name (the most recent runs). */
  runs: Record<string, string>;
  /** input path -> where reading stopped. */
  cursors: Record<string, { offset: number; line: number }>;
}

/** A state with nothing learned. */
export function emptyState(): MonitorState {
  return { v: 1, steps: {}, verified: [], deploys: {}, runs: {}, cursors: {} };
}

/** Loads the state file; a missing file is an empty state, a corrupt one an InputError. */
export function loadState(path: string, display = path): MonitorState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new InputError(`cannot read the monitor state (${(e as NodeJS.ErrnoException).code ?? 'error'})`, display);
  }
  try {
    const s = JSON.parse(text) as MonitorState;
    if (s.v !== 1 || typeof s.steps !== 'object') throw new Error('shape');
    return { ...emptyState(), ...s };
  } catch {
    throw new InputError('not a monitor state file (remove it to start learning again)', display);
  }
}

const MAX_RUNS = 1000;
const MAX_VERIFIED = 10_000;

/** Saves the state atomically, keeping its lists bounded. */
export function saveState(path: string, s: MonitorState): void {
  const runs = Object.entries(s.runs);
  if (runs.length > MAX_RUNS) s.runs = Object.fromEntries(runs.slice(-MAX_RUNS));
  if (s.verified.length > MAX_VERIFIED) s.verified = s.verified.slice(-MAX_VERIFIED);
  const deploys = Object.entries(s.deploys);
  if (deploys.length > MAX_RUNS) s.deploys = Object.fromEntries(deploys.slice(-MAX_RUNS));
  writeFileAtomic(path, JSON.stringify(s, null, 1) + '\n');
}
