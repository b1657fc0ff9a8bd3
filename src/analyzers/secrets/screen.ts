/**
 * A quick, exact test of whether the built-in secret rules could find anything in a text, without loading them.
 * The engine runs a rule only where one of its literals (keywords and anchors, ASCII, matched without regard to
 * case) occurs, and no built-in rule runs everywhere; so a text holding none of the literals has no secret the
 * masker would find. The literals are taken from the compiled rule set when the CLI is bundled
 * (scripts/bundle.mjs); from the sources (no bundle) every text may hold one, and the masker is always loaded.
 * Start-up then costs nothing for reports whose texts hold no literal (the rules and their compilation are ~0.1 s).
 */

/** `{ literals, always }` of the built-in rule set, as JSON: set by the bundler; absent when running the sources. */
declare const PIPEGUARD_SECRET_LITERALS: string | undefined;

let screen: RegExp | null | undefined;

/** One case-insensitive alternation of the literals (none of them matching is the point, not where one does). */
export function literalScreen(literals: readonly string[]): RegExp | null {
  if (literals.length === 0) return null;
  return new RegExp(literals.map((l) => l.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'i');
}

/**
 * False only when the built-in secret rules certainly find nothing in `text` (see the top of this file); true when
 * they might, and always when the literals are not known.
 */
export function mayHoldSecret(text: string): boolean {
  // maskSecrets leaves texts this short alone.
  if (text.length < 8) return false;
  if (screen === undefined) {
    const data = typeof PIPEGUARD_SECRET_LITERALS === 'string' ? (JSON.parse(PIPEGUARD_SECRET_LITERALS) as { literals: string[]; always: number }) : undefined;
    screen = data && data.always === 0 ? literalScreen(data.literals) : null;
  }
  return screen === null || screen.test(text);
}
