import { relative, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { dsseBundle } from '../../attest/bundle.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../../attest/dsse.js';
import { keyHint, loadPrivateKey } from '../../attest/keys.js';
import { provenancePath } from '../../attest/policy.js';
import { ciBuilder, LOCAL_BUILDER, provenanceStatement, resolvedDependencies, sourceInfo } from '../../attest/provenance.js';
import { subjectToSign } from '../../attest/subject.js';
import { InputError, UsageError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { openDirectory } from '../../targets/directory.js';
import { parse, platformOption } from '../args.js';
import type { Command } from '../io.js';
import { writeReports } from '../output.js';

/** `pipeguard attest`: SLSA provenance of an artifact as an in-toto statement in a signed DSSE envelope. */
export const attestCommand: Command = {
  name: 'attest',
  summary: 'attest how an artifact or image was built: SLSA provenance v1 in a signed DSSE envelope (Sigstore bundle)',
  help: `Usage: pipeguard attest <path> --predicate slsa --key FILE [--source DIR] [--build-command CMD] [-o FILE]

Writes an in-toto Statement v1 whose subject is path (a file's SHA-256, or an image's manifest digest)
and whose predicate is SLSA Provenance v1: the builder (from GitHub Actions or GitLab CI variables, or
--builder-id), the source repository and commit (read with git from --source, default .), the build
command, and every package the lockfiles under --source resolve (with their digests where the lockfile
records them). The statement is signed into a DSSE envelope inside a Sigstore bundle (v0.3), written to
<path>.intoto.sigstore.json (or -o). Check it with pipeguard verify <path> --predicate slsa --key FILE.pub.

  -p, --predicate slsa     the predicate (only slsa: SLSA Provenance v1)
  -k, --key FILE           PEM private key (ECDSA P-256 or Ed25519; passphrase from PIPEGUARD_KEY_PASSWORD)
      --source DIR         the source checkout the artifact was built from (default .)
      --build-command CMD  the command that built it (recorded as given)
      --builder-id URI     who built it (default: the CI run, or a local-build id)
  -o, --output FILE        where to write (default <path>.intoto.sigstore.json)
      --no-sign            write the unsigned statement (JSON) instead, for another signer
      --platform P         for a multi-platform image: os/arch[/variant] (default linux/amd64)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      predicate: { type: 'string', short: 'p' },
      key: { type: 'string', short: 'k' },
      source: { type: 'string' },
      'build-command': { type: 'string' },
      'builder-id': { type: 'string' },
      output: { type: 'string', short: 'o' },
      'no-sign': { type: 'boolean' },
      platform: { type: 'string' },
    });
    const shown = positionals[0];
    if (!shown) throw new UsageError('name the artifact or image to attest');
    if (values.predicate !== 'slsa') throw new UsageError(values.predicate === undefined ? 'give --predicate slsa' : `unknown predicate ${values.predicate} (use slsa)`);
    const unsigned = values['no-sign'] === true;
    if (!unsigned && !values.key) throw new UsageError('give the private key: --key FILE (or --no-sign for the bare statement)');
    if (unsigned && values.key) throw new UsageError('--no-sign takes no --key');
    if (values['builder-id'] !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(values['builder-id'])) throw new UsageError('--builder-id takes a URI (https://ci.example/runner/1)');
    const key = values.key ? loadPrivateKey(resolve(io.cwd, values.key), io.env.PIPEGUARD_KEY_PASSWORD) : undefined;
    const sourceShown = values.source ?? '.';
    const sourceDir = resolve(io.cwd, sourceShown);
    if (!statSync(sourceDir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError('not a folder (--source names the source checkout)', sourceShown);
    const path = resolve(io.cwd, shown);
    const subject = await subjectToSign(path, shown, values.platform ? platformOption(values.platform) : undefined);
    const source = await sourceInfo(sourceDir, io.env);
    const target = await openDirectory(sourceDir, { gitignore: true });
    let dependencies;
    try {
      dependencies = await resolvedDependencies(target);
    } catch (e) {
      if (e instanceof InputError && e.file) throw new InputError(e.message, relative(io.cwd, resolve(sourceDir, e.file)) || e.file, e.line);
      throw e;
    } finally {
      await target.dispose();
    }
    const ci = ciBuilder(io.env);
    const statement = provenanceStatement({
      subjects: [{ name: subject.name, sha256: subject.sha256 }],
      builderId: values['builder-id'] ?? ci?.id ?? LOCAL_BUILDER,
      builderVersion: { pipeguard: VERSION },
      ...(source ? { source } : {}),
      ...(values['build-command'] !== undefined ? { buildCommand: values['build-command'] } : {}),
      dependencies,
      ...(ci?.invocationId ? { invocationId: ci.invocationId } : {}),
      finishedOn: io.now(),
    });
    const out = values.output ? resolve(io.cwd, values.output) : unsigned ? `${path.replace(/\/+$/, '')}.intoto.json` : provenancePath(path);
    const payload = Buffer.from(JSON.stringify(statement));
    const doc = key ? dsseBundle(signEnvelope(key, IN_TOTO_PAYLOAD_TYPE, payload), keyHint(key)) : statement;
    await writeReports([{ file: relative(io.cwd, out) || out, text: JSON.stringify(doc, null, 2) + '\n' }], io);
    const notes = [source ? `source ${source.uri} @ ${source.commit.slice(0, 12)}${source.dirty ? ' (uncommitted changes)' : ''}` : 'no git source', `${dependencies.length} resolved dependencies`];
    io.stderr.write(`pipeguard: ${unsigned ? 'wrote the unsigned' : 'attested'} SLSA provenance of ${shown} (sha256:${subject.sha256.slice(0, 12)}…; ${notes.join('; ')}) to ${relative(io.cwd, out) || out}\n`);
    return 0;
  },
};
