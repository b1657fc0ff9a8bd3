/**
 * What every consumer of a {@link Location} needs, whatever its kind: the file it names (if any), its text region,
 * the key the engine fingerprints it by, and a short human form. Pure; no I/O.
 */
import type { FileLocation, Location, PackageLocation, Region } from './types.js';

/** The file a location names (a file, a manifest, a path inside an image, a pipeline file), if any. */
export function locationPath(loc: Location): string | undefined {
  switch (loc.kind) {
    case undefined:
    case 'file':
    case 'package':
    case 'image':
      return loc.path;
    case 'step':
      return loc.path;
    default:
      return undefined;
  }
}

/** True for a location that is a region of a file on the target (what SARIF calls a physical location). */
export function isFileLocation(loc: Location): loc is FileLocation | PackageLocation {
  return loc.kind === undefined || loc.kind === 'file' || loc.kind === 'package';
}

/** The text region of a location; empty for kinds that have none (HTTP requests, repository settings). */
export function regionOf(loc: Location): Region {
  switch (loc.kind) {
    case 'http':
    case 'repository':
      return {};
    case 'step':
      return loc.startLine === undefined ? {} : { startLine: loc.startLine };
    default: {
      const { startLine, startColumn, endLine, endColumn, snippet } = loc;
      const r: Region = {};
      if (startLine !== undefined) r.startLine = startLine;
      if (startColumn !== undefined) r.startColumn = startColumn;
      if (endLine !== undefined) r.endLine = endLine;
      if (endColumn !== undefined) r.endColumn = endColumn;
      if (snippet !== undefined) r.snippet = snippet;
      return r;
    }
  }
}

/** The start line, when the location has one. */
export function startLineOf(loc: Location): number | undefined {
  // regionOf(loc).startLine, without making the region (asked once a finding by several passes of a scan)
  return loc.kind === 'http' || loc.kind === 'repository' ? undefined : loc.startLine;
}

/**
 * What a finding is about, independent of lines: the part of the fingerprint that says where. For files and
 * packages it is the path (so every file finding keeps the fingerprint it always had); other kinds are prefixed
 * with their kind so no two kinds can collide.
 */
export function locationKey(loc: Location): string {
  switch (loc.kind) {
    case undefined:
    case 'file':
    case 'package':
      return loc.path;
    case 'image':
      return `image:${loc.path}`;
    case 'http':
      return `http:${loc.method.toUpperCase()} ${loc.pathTemplate ?? urlPath(loc.url)}${loc.parameter !== undefined ? `#${loc.parameterIn ?? ''}:${loc.parameter}` : ''}`;
    case 'step':
      return `step:${loc.pipeline}/${loc.stage ?? ''}/${loc.step}`;
    case 'repository':
      return `repository:${loc.repository}${loc.setting !== undefined ? `#${loc.setting}` : ''}`;
  }
}

/** The logical name of a location (`lodash@4.17.20`, `aws_s3_bucket.logs`), when it has one. */
export function logicalName(loc: Location): string | undefined {
  switch (loc.kind) {
    case undefined:
    case 'file':
      return loc.logical;
    case 'package':
      return loc.logical ?? loc.purl;
    case 'http':
      return `${loc.method.toUpperCase()} ${loc.pathTemplate ?? urlPath(loc.url)}`;
    case 'image':
      return loc.layer ? `${loc.image} layer ${loc.layer}` : loc.image;
    case 'step':
      return [loc.pipeline, loc.stage, loc.step].filter((x) => x !== undefined).join(' / ');
    case 'repository':
      return loc.setting !== undefined ? `${loc.repository} ${loc.setting}` : loc.repository;
  }
}

/**
 * A short human form: `path:line` for files, `path (logical)` without a line; `GET /users/{id} [query id]` for
 * HTTP; `image layer sha256:… path` for images; the step for pipelines; the repository and setting for forges.
 */
export function describeLocation(loc: Location): string {
  switch (loc.kind) {
    case 'http':
      return `${loc.method.toUpperCase()} ${loc.url}${loc.parameter !== undefined ? ` [${loc.parameterIn ? `${loc.parameterIn} ` : ''}${loc.parameter}]` : ''}`;
    case 'repository':
      return logicalName(loc)!;
    case 'step':
      return loc.path ? `${loc.path}${loc.startLine !== undefined ? `:${loc.startLine}` : ''} (${logicalName(loc)})` : logicalName(loc)!;
    case 'image': {
      const at = `${loc.path}${loc.startLine !== undefined ? `:${loc.startLine}` : ''}`;
      return `${at} (${logicalName(loc)})`;
    }
    default: {
      const logical = logicalName(loc);
      if (!loc.path) return logical ?? '';
      if (loc.startLine !== undefined) return `${loc.path}:${loc.startLine}`;
      return logical ? `${loc.path} (${logical})` : loc.path;
    }
  }
}

/**
 * What a suppression's `path` glob is matched against: the file for file kinds, the URL's path for HTTP requests
 * (`/api/users/7`), the repository for forge settings, and `pipeline/stage/step` for a step without a file.
 */
export function matchPath(loc: Location): string {
  switch (loc.kind) {
    case 'http':
      return urlPath(loc.url);
    case 'repository':
      return loc.repository;
    case 'step':
      return loc.path ?? [loc.pipeline, loc.stage, loc.step].filter((x) => x !== undefined).join('/');
    default:
      return loc.path;
  }
}

/** The path of a URL (`/users/7`), or the text itself when it does not parse. */
function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
