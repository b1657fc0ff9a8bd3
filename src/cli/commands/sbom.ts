import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
// the version without loading the engine (and with it every scanner): sbom needs none of them
import { VERSION } from '../../core/version.js';
import { generateSbom, type SbomFormat } from '../../sbom/generate.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isArchivePath, openArchive } from '../../targets/archive.js';
import { openDirectory } from '../../targets/directory.js';
import { openImage } from '../../targets/image/index.js';
import type { Target } from '../../core/types.js';
import { DEFAULT_LIMITS } from '../../engine/run.js';
import { parse, platformOption } from '../args.js';
import { writeReports } from '../output.js';

import type { Command } from '../io.js';

/** `pipeguard sbom`: a CycloneDX 1.6 or SPDX 2.3 JSON SBOM from the lockfiles of a folder. */
export const sbomCommand: Command = {
  name: 'sbom',
  summary: 'write a CycloneDX 1.6 or SPDX 2.3 JSON SBOM of a folder, a container image or a build artifact',
  help: `Usage: pipeguard sbom [path] [--format cyclonedx|spdx] [-o FILE] [--no-dev]

Reads every lockfile and manifest under path (default .) and writes one SBOM with package URLs,
licenses, hashes where the lockfile records them, and the dependency graph. A lockfile that does not
parse is an error (exit 2) and no file is written.

path may also be a container image (an OCI layout folder, an OCI archive or a docker save tarball:
OS packages from dpkg/apk/rpm and installed language packages, each with the layer that added it) or a
build artifact (npm tarball, wheel, jar/war, zip, tar.gz: what is bundled inside it).

  -f, --format FMT     cyclonedx (default, CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON)
  -o, --output FILE    write to FILE instead of standard output
      --no-dev         leave out development-only dependencies
      --name NAME      name of the described application (default: the folder name or image reference)
      --platform P     for a multi-platform image: os/arch[/variant] (default linux/amd64)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      'no-dev': { type: 'boolean' },
      name: { type: 'string' },
      platform: { type: 'string' },
    });
    const format = (values.format ?? 'cyclonedx') as SbomFormat;
    if (format !== 'cyclonedx' && format !== 'spdx') throw new UsageError(`unknown format ${String(values.format)} (use cyclonedx or spdx)`);
    const path = resolve(io.cwd, positionals[0] ?? '.');
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new InputError('no such file or directory', positionals[0] ?? '.');
    }
    const shown = positionals[0] ?? '.';
    const image = await openImage(path, st.isDirectory(), { limits: DEFAULT_LIMITS, name: shown, ...(values.platform ? { platform: platformOption(values.platform) } : {}) });
    if (image || (!st.isDirectory() && isArchivePath(path))) {
      const artifact: Target = image ?? (await openArchive(path, DEFAULT_LIMITS, basename(path)));
      try {
        const digest = image ? undefined : `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
        const result = await generateSbom(artifact, {
          format,
          excludeDev: values['no-dev'] === true,
          name: values.name ?? (image ? image.image.reference : basename(path)),
          tool: { name: 'pipeguard', version: VERSION },
          now: io.now(),
          ...(digest ? { subjectDigest: digest } : {}),
        });
        return await writeSbom(result, format, values.output, io);
      } finally {
        await artifact.dispose();
      }
    }
    const root = st.isDirectory() ? path : dirname(path);
    const target = await openDirectory(root, { gitignore: true });
    const single = st.isDirectory() ? undefined : basename(path);
    // A narrowed copy of the target: its own `batches` would list past the narrowed `files`, so it is left out.
    const { batches: _all, ...unbatched } = target;
    const scoped = single
      ? { ...unbatched, files: (f?: Parameters<typeof target.files>[0]) => target.files({ ...f, path: (p) => (f?.path ? f.path(p) : true) && (p === single || !/(lock|\.mod|\.txt|pom\.xml)/.test(p) || p.endsWith('package.json')) }) }
      : target;
    let result: Awaited<ReturnType<typeof generateSbom>>;
    try {
      result = await generateSbom(scoped, {
        format,
        excludeDev: values['no-dev'] === true,
        ...(values.name ? { name: values.name } : {}),
        tool: { name: 'pipeguard', version: VERSION },
        now: io.now(),
      });
    } catch (e) {
      // name the file as the user sees it: relative to where they ran the command
      if (e instanceof InputError && e.file && !isAbsolute(e.file)) throw new InputError(e.message, relative(io.cwd, join(root, e.file)) || e.file, e.line);
      throw e;
    }
    return await writeSbom(result, format, values.output, io);
  },
};

/** Writes the document to `output` (atomically) or standard output; returns the exit code. */
async function writeSbom(result: { document: Record<string, unknown>; components: number }, format: SbomFormat, output: string | undefined, io: Parameters<Command['run']>[1]): Promise<number> {
  const { document, components } = result;
  const text = JSON.stringify(document, null, 2) + '\n';
  if (output) {
    await writeReports([{ file: output, text }], io);
    io.stderr.write(`wrote ${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'} SBOM with ${components} components to ${output}\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}
