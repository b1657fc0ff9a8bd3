/**
 * Threat modelling as code, the library API: load the model and the rules, find the threats, decide each one's
 * state against the checks pipeguard runs under the effective config, compare the model with the code, and build
 * a report the gate and the reporters read. The CLI (`pipeguard threat-model`) is a thin shell over this.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Decision, Report, Scanner, Severity } from '../core/types.js';
import { loadScanners } from '../scanners/index.js';
import { openDirectory } from '../targets/directory.js';
import { checkRegistry, validateReferences, type CheckRegistry } from './checks.js';
import { deriveInventory, type Inventory, type InventoryOptions } from './derive/inventory.js';
import { findDrift, type Drift } from './drift.js';
import { findThreats } from './engine.js';
import { buildReport } from './findings.js';
import { loadModelFile } from './load.js';
import type { Model } from './model.js';
import { loadRuleSet, type ThreatRule } from './rules/load.js';
import { assess, validateModelRules, type Assessment } from './status.js';

/** What `check` needs. */
export interface CheckOptions {
  /** The repository (or folder) the model describes: drift is read from here; paths are relative to it. */
  root: string;
  config: Config;
  /** Keys pipeguard.yml itself sets (`scanners.dast`, `build`...), from {@link declaredKeys}; default none. */
  declared?: readonly string[];
  /** The model file (default: `threatModel.path` under `root`). */
  modelPath?: string;
  /** Compare with the code (default: `threatModel.drift.enabled`). */
  drift?: boolean;
  /** `--fail-on` for this run. */
  failOn?: Severity | 'none';
  now?: () => Date;
  /** The scanner registry (default: every built-in scanner). */
  scanners?: readonly Scanner<unknown>[];
  signal?: AbortSignal;
}

/** Everything a check found. */
export interface CheckResult {
  model: Model;
  rules: ThreatRule[];
  registry: CheckRegistry;
  assessment: Assessment;
  inventory?: Inventory;
  drift: Drift[];
  report: Report;
  decision: Decision;
}

/** A path as shown: relative to the root when inside it, else absolute. */
export function shownPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : abs;
}

/** Loads the model and the rule set of a run, with every reference checked. */
export async function loadThreatModel(o: Pick<CheckOptions, 'root' | 'config' | 'modelPath' | 'scanners'>): Promise<{ model: Model; rules: ThreatRule[]; registry: CheckRegistry }> {
  const root = resolve(o.root);
  const tm = o.config.threatModel;
  const modelAbs = resolve(root, o.modelPath ?? tm.path);
  const model = loadModelFile(modelAbs, shownPath(root, modelAbs));
  const ruleSet = loadRuleSet({ files: tm.rules.map((p) => ({ path: resolve(root, p), shown: shownPath(root, resolve(root, p)) })), disable: tm.disable, privacy: tm.privacy });
  const scanners = o.scanners ?? (await loadScanners());
  const registry = checkRegistry(scanners, o.config);
  validateReferences(ruleSet.rules, registry);
  validateModelRules(model, ruleSet.known);
  return { model, rules: ruleSet.rules, registry };
}

/** Reads the code's inventory (services, ports, data stores, external services, routes). */
export async function readInventory(root: string, config: Config, signal?: AbortSignal, opts: InventoryOptions = {}): Promise<Inventory> {
  const target = await openDirectory(root, { gitignore: config.gitignore, exclude: config.exclude, maxFileBytes: config.maxFileSize });
  try {
    return await deriveInventory(target, signal, opts);
  } finally {
    await target.dispose();
  }
}

/** `threat-model check`: threats, their states, drift, the report and the gate's decision. */
export async function checkThreatModel(o: CheckOptions): Promise<CheckResult> {
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const root = resolve(o.root);
  const { model, rules, registry } = await loadThreatModel(o);
  const threats = findThreats(model, rules);
  const today = now().toISOString().slice(0, 10);
  const assessment = assess(model, threats, registry, o.config, today, o.declared ?? []);
  const driftOn = o.drift ?? o.config.threatModel.drift.enabled;
  const inventory = driftOn ? await readInventory(root, o.config, o.signal) : undefined;
  const drift = inventory ? findDrift(model, inventory, { ...o.config.threatModel.drift, enabled: true }) : [];
  const { report, decision } = buildReport({
    model,
    rules,
    assessment,
    drift,
    config: o.config,
    ...(o.failOn ? { failOn: o.failOn } : {}),
    target: root,
    startedAt,
    now: now(),
    fileErrors: inventory?.errors ?? [],
    warnings: [],
  });
  return { model, rules, registry, assessment, ...(inventory ? { inventory } : {}), drift, report, decision };
}

export type { Model } from './model.js';
export type { Threat } from './engine.js';
export type { AssessedThreat, Assessment } from './status.js';
export type { Drift } from './drift.js';
export type { Inventory } from './derive/inventory.js';
export { parseModel, loadModelFile } from './load.js';
export { findThreats } from './engine.js';
export { declaredKeys } from './declared.js';
export { loadRuleSet } from './rules/load.js';
