/**
 * The stages that act: the pipeline runner, secret delivery with masking, the tamper-evident audit log and its
 * SIEM export, as a library. `pipeguard pipeline|run|secrets-file|audit` are thin shells over these; the deploy
 * stage builds on the same pieces (append an event, read or follow the log, run a step with its secrets masked).
 */
export { canonicalize } from './audit/canonical-json.js';
export { actorFromEnv } from './audit/actor.js';
export { GENESIS, hashEntry, MAX_ENTRY_BYTES, type Actor, type AuditEntry } from './audit/entry.js';
export { AuditLog, readHead, headPath, type AppendOptions, type AuditHead, type AuditLogOptions } from './audit/log.js';
export { followAuditLog, readAuditEntries, type FollowOptions, type ReadEntry, type ReadOptions } from './audit/read.js';
export { generateSigningKey, publicKeyFromPem, signerFromPem, type Signer } from './audit/signer.js';
export { verifyAuditLog, type ChainBreak, type VerifyOptions, type VerifyResult } from './audit/verify.js';
export { withFileLock } from './audit/lock.js';
export {
  DELIVER_CONFIG,
  durationMs,
  type AuditConfig,
  type DeployConfig,
  type GateConfig,
  type PipelineConfig,
  type SecretsDeliveryConfig,
  type SiemConfig,
  type StageConfig,
  type StepConfig,
  type VaultConfig,
} from './config.js';
export { encodedForms, ENCODINGS, type Encoding, type EncodedForm } from './mask/encodings.js';
export { MASK, Masker, maskingStream, maskPatterns, maskText, ShortSecretError } from './mask/masker.js';
export { runGate, type GateContext } from './runner/gate.js';
export { childBaseEnv, describeOutcome, pipeguardCredentials, runPipeline, type RunPipelineOptions } from './runner/pipeline.js';
export { runProcess, type OutputSink, type ProcessOutcome, type ProcessSpec, type StopReason } from './runner/process.js';
export { listRuns, loadRunRecord, newRunId, saveRunRecord, type GateRecord, type RunRecord, type StageRecord, type StepRecord } from './runner/record.js';
export { runStep, stepArgv, type StepContext } from './runner/step.js';
export { decryptAge, encryptAge, newIdentity, parseIdentities, parseRecipients, parseSecretsYaml, formatSecretsYaml, type Recipient } from './secrets/age-file.js';
export { credentialVariables, loadIdentities, SecretStore, type ResolvedSecret, type SecretRef, type SecretStoreOptions } from './secrets/store.js';
export { VaultClient, type VaultAuth, type VaultClientOptions } from './secrets/vault.js';
export { EXPORT_FORMATS, formatEvent, octetCounted, toCef, toJsonl, toLeef, toSyslog, type ExportEvent, type ExportFormat } from './siem/formats.js';
export { cursorPath, forward, type Cursor, type ForwardOptions, type ForwardResult } from './siem/forwarder.js';
export { openTransport, type Destination, type Transport } from './siem/transport.js';
export { analyse, type Thresholds } from './deploy/analysis.js';
export { checkDeployArtifact, type ArtifactGate } from './deploy/artifact.js';
export { deployWithHooks, parseMetrics } from './deploy/hooks.js';
export { DeployProxy, STICKY_COOKIE, windowStats, type Backend, type Role } from './deploy/proxy.js';
export {
  DEPLOY_EVENTS,
  type AnalysisVerdict,
  type DeployOutcome,
  type DeployRecord,
  type DeploySample,
  type DeployStartedData,
  type DeployStrategy,
  type ReleaseRef,
  type WindowStats,
} from './deploy/record.js';
export { checkHealth, freePort, startRelease, waitHealthy, type HealthResult, type RunningRelease, type StartSpec } from './deploy/release.js';
export { deployBehindProxy, type LiveRelease, type ProxyDeployOptions, type ProxyDeployResult } from './deploy/rollout.js';
export { controlSocketPath, deployRemote, DeployServer, serveStatePath, type DeployServerOptions, type RemoteDeploy, type ServeState } from './deploy/serve.js';
export { listDeploys, loadDeployRecord, type DeployOptions } from './deploy/session.js';
export {
  BUILTIN_RULES,
  commitEvidence,
  loadMapping,
  loadRules,
  mapLine,
  MonitorEngine,
  monitorReport,
  monitorSchema,
  runMonitor,
  type Alert,
  type MonitorConfig,
  type MonitorEvent,
  type MonitorInput,
  type RunMonitorOptions,
} from './monitor/index.js';
export { buildPostmortem, collect, deployChart, postmortem, renderHtml, renderMarkdown, resolveSubject, type Postmortem, type Sources, type Subject } from './postmortem/index.js';
