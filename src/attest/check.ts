/**
 * The build gate's question about one artifact: is it signed, and is its provenance attested, by the signer the
 * policy trusts, over these very bytes? Bundles are looked for beside the artifact (or where the caller says).
 */
import { relative } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseBundle } from './bundle.js';
import { provenancePath, readBundleText, signaturePath } from './policy.js';
import { SLSA_PROVENANCE_V1, type Statement } from './provenance.js';
import { subjectOf, TamperedError, type Subject } from './subject.js';
import { verifyBundle, type VerifyPolicy } from './verify.js';

/** What the gate may require of an artifact. */
export type Requirement = 'signed' | 'provenance';

/** The outcome for one requirement. */
export interface ArtifactCheck {
  requirement: Requirement;
  /** The bundle file read (relative to `base` when under it). */
  bundle: string;
  outcome: 'verified' | 'missing' | 'tampered' | 'invalid';
  /** Why, for anything but `verified`; who signed, for `verified`. */
  detail: string;
  statement?: Statement;
}

/** Options of {@link checkArtifact}. */
export interface CheckOptions {
  require: readonly Requirement[];
  policy: VerifyPolicy;
  /** Folder bundle paths are shown relative to. */
  base: string;
  platform?: string;
  /** Bundle files other than the default ones beside the artifact. */
  bundles?: Partial<Record<Requirement, string>>;
  /** A missing or malformed bundle is an InputError (the CLI's `verify`), not an outcome (the gate). */
  strict?: boolean;
}

/** Checks every requirement of one artifact (an absolute path; `shown` names it in messages). */
export async function checkArtifact(path: string, shown: string, o: CheckOptions): Promise<{ subject?: Subject; checks: ArtifactCheck[] }> {
  let subject: Subject | undefined;
  let tampered: string | undefined;
  try {
    subject = await subjectOf(path, shown, o.platform);
  } catch (e) {
    if (!(e instanceof TamperedError)) throw e;
    tampered = e.message;
  }
  const checks: ArtifactCheck[] = [];
  for (const requirement of o.require) {
    const file = o.bundles?.[requirement] ?? (requirement === 'signed' ? signaturePath(path) : provenancePath(path));
    const bundle = relative(o.base, file).startsWith('..') ? file : relative(o.base, file);
    const text = await readBundleText(file, bundle);
    const at = (outcome: ArtifactCheck['outcome'], detail: string, statement?: Statement): ArtifactCheck => ({ requirement, bundle, outcome, detail, ...(statement ? { statement } : {}) });
    if (text === undefined) {
      if (o.strict) throw new InputError('no such file', bundle);
      checks.push(at('missing', requirement === 'signed' ? `no signature bundle (${bundle})` : `no provenance attestation (${bundle})`));
      continue;
    }
    if (tampered || !subject) {
      checks.push(at('tampered', tampered ?? 'the artifact could not be read'));
      continue;
    }
    let parsed;
    try {
      parsed = parseBundle(text, bundle);
    } catch (e) {
      if (!(e instanceof InputError) || o.strict) throw e;
      checks.push(at('invalid', e.message));
      continue;
    }
    if (requirement === 'provenance' && !parsed.dsseEnvelope) {
      checks.push(at('invalid', `${bundle} is a plain signature, not an attestation`));
      continue;
    }
    const r = verifyBundle(parsed, subject, o.policy);
    if (!r.ok) {
      checks.push(at(r.kind === 'tampered' ? 'tampered' : 'invalid', r.reason));
      continue;
    }
    if (requirement === 'provenance' && r.statement?.predicateType !== SLSA_PROVENANCE_V1) {
      checks.push(at('invalid', `${bundle} attests ${r.statement?.predicateType ?? 'nothing'}, not SLSA provenance v1`));
      continue;
    }
    checks.push(at('verified', r.signer, r.statement));
  }
  return { ...(subject ? { subject } : {}), checks };
}
