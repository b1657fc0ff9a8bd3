/**
 * Java archives: the Maven coordinates a jar records in `META-INF/maven/<groupId>/<artifactId>/pom.properties`.
 * Jars inside jars (Spring Boot's `BOOT-INF/lib/`, wars' `WEB-INF/lib/`) are opened by the target, so their
 * pom.properties are members like `app.jar!BOOT-INF/lib/x.jar!META-INF/maven/g/a/pom.properties`.
 */
import type { InstalledPackage } from './node.js';

const POM_PROPS = /(^|\/|!)META-INF\/maven\/[^/!]+\/[^/!]+\/pom\.properties$/;

/** True for a pom.properties inside a jar. */
export function isPomPropertiesPath(path: string): boolean {
  return POM_PROPS.test(path);
}

/** The artifact a pom.properties names. */
export function parsePomProperties(text: string): InstalledPackage | undefined {
  const p = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z.]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) p.set(m[1]!, m[2]!);
  }
  const g = p.get('groupId');
  const a = p.get('artifactId');
  const v = p.get('version');
  if (!g || !a || !v) return undefined;
  return { ecosystem: 'Maven', name: `${g}:${a}`, version: v };
}
