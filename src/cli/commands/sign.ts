import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { messageBundle } from '../../attest/bundle.js';
import { generateKeyPair, keyHint, loadPrivateKey, signBytes, type KeyAlgorithm } from '../../attest/keys.js';
import { signaturePath } from '../../attest/policy.js';
import { subjectToSign } from '../../attest/subject.js';
import { InputError, UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../deliver/fs-atomic.js';
import { parse, platformOption } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { writeReports } from '../output.js';

/** `pipeguard sign`: a Sigstore bundle (v0.3) of an artifact, an image, an SBOM or an attestation, with a local key. */
export const signCommand: Command = {
  name: 'sign',
  summary: 'sign an artifact, image, SBOM or attestation with a local key (Sigstore bundle v0.3, offline)',
  help: `Usage: pipeguard sign <path> --key FILE [-o BUNDLE] [--platform P]
       pipeguard sign --generate-key FILE [--algorithm ecdsa-p256|ed25519]

Signs path with a local private key and writes a Sigstore bundle (v0.3 JSON) beside it, as
<path>.sigstore.json (or -o). Nothing is sent anywhere. path is any file (a build artifact, an SBOM,
an attestation bundle) or a container image (an OCI layout folder, an OCI archive or a docker save
tarball), which is signed by its manifest digest once every layer is checked against its digest.

A PEM private key may be encrypted: its passphrase is read from PIPEGUARD_KEY_PASSWORD.
Check a signature with pipeguard verify <path> --key FILE.pub.

  -k, --key FILE           PEM private key (ECDSA P-256 or Ed25519)
  -o, --output FILE        where to write the bundle (default <path>.sigstore.json)
      --platform P         for a multi-platform image: os/arch[/variant] (default linux/amd64)
      --generate-key FILE  write a new private key to FILE (mode 600) and its public key to FILE.pub
      --algorithm ALG      of a new key: ecdsa-p256 (default) or ed25519
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      key: { type: 'string', short: 'k' },
      output: { type: 'string', short: 'o' },
      platform: { type: 'string' },
      'generate-key': { type: 'string' },
      algorithm: { type: 'string' },
    });
    if (values['generate-key'] !== undefined) {
      if (positionals.length || values.key) throw new UsageError('--generate-key takes no artifact and no --key');
      return generate(values['generate-key'], values.algorithm ?? 'ecdsa-p256', io);
    }
    if (values.algorithm) throw new UsageError('--algorithm goes with --generate-key');
    const shown = positionals[0];
    if (!shown) throw new UsageError('name the artifact or image to sign');
    if (!values.key) throw new UsageError('give the private key: --key FILE (make one with --generate-key FILE)');
    const key = loadPrivateKey(resolve(io.cwd, values.key), io.env.PIPEGUARD_KEY_PASSWORD);
    const path = resolve(io.cwd, shown);
    const subject = await subjectToSign(path, shown, values.platform ? platformOption(values.platform) : undefined);
    const bundle = messageBundle(subject.sha256, signBytes(key, subject.bytes), keyHint(key));
    const out = values.output ? resolve(io.cwd, values.output) : signaturePath(path);
    await writeReports([{ file: relative(io.cwd, out) || out, text: JSON.stringify(bundle, null, 2) + '\n' }], io);
    const what = subject.kind === 'image' ? `image ${subject.name} (manifest sha256:${subject.sha256})` : `${shown} (sha256:${subject.sha256})`;
    io.stderr.write(`pipeguard: signed ${what}; bundle written to ${relative(io.cwd, out) || out}\n`);
    return 0;
  },
};

function generate(file: string, alg: string, io: CliIO): number {
  if (alg !== 'ecdsa-p256' && alg !== 'ed25519') throw new UsageError(`unknown key algorithm ${alg} (use ecdsa-p256 or ed25519)`);
  const path = resolve(io.cwd, file);
  if (existsSync(path) || existsSync(`${path}.pub`)) throw new InputError('already exists: not overwriting a key', existsSync(path) ? file : `${file}.pub`);
  const k = generateKeyPair(alg as KeyAlgorithm);
  try {
    writeFileAtomic(path, k.privatePem, 0o600);
    writeFileAtomic(`${path}.pub`, k.publicPem);
  } catch (e) {
    throw new InputError(`cannot write the key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  io.stderr.write(`pipeguard: wrote a new ${alg} private key to ${file} (keep it secret) and its public key to ${file}.pub\n`);
  return 0;
}
