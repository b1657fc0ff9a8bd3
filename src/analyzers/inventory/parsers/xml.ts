import { SaxesParser } from 'saxes';
import { LockfileError } from '../types.js';

/** One element of a parsed XML document: its local name, attributes, child elements, text and where it starts. */
export interface XmlElement {
  /** Local name (any `prefix:` dropped: POMs and MSBuild files use a default namespace). */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element, trimmed. */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
}

/**
 * Parses an XML document with a conforming (non-validating) parser into a small element tree with line numbers.
 * A document that is not well-formed is a LockfileError at the line the parser stopped on. No entity expansion
 * beyond the predefined ones and no external DTD is read, so a hostile file cannot make it fetch or blow up.
 */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '', line: 1 };
  const stack: XmlElement[] = [root];
  const texts: string[][] = [[]];
  let failure: { message: string; line: number } | undefined;
  parser.on('error', (e) => {
    // saxes prefixes its messages with "line:column: "
    failure ??= { message: e.message.replace(/^\d+:\d+:\s*/, ''), line: parser.line };
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[localName(k)] = typeof v === 'string' ? v : v.value;
    const el: XmlElement = { name: localName(tag.name), attrs, children: [], text: '', line: tagLine };
    (stack[stack.length - 1] as XmlElement).children.push(el);
    stack.push(el);
    texts.push([]);
  });
  let tagLine = 1;
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('text', (t) => texts[texts.length - 1]?.push(t));
  parser.on('cdata', (t) => texts[texts.length - 1]?.push(t));
  parser.on('closetag', () => {
    const el = stack.pop() as XmlElement;
    el.text = (texts.pop() ?? []).join('').trim();
  });
  try {
    parser.write(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).close();
  } catch (e) {
    failure ??= { message: e instanceof Error ? e.message.replace(/^\d+:\d+:\s*/, '') : String(e), line: parser.line };
  }
  if (failure) throw new LockfileError(`invalid XML: ${failure.message}`, failure.line);
  const top = root.children[0];
  if (!top) throw new LockfileError('invalid XML: no root element', 1);
  return top;
}

function localName(n: string): string {
  const i = n.indexOf(':');
  return i >= 0 ? n.slice(i + 1) : n;
}

/** The first child element with a local name, or undefined. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child element with a local name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The trimmed text of the first child with a local name, or undefined when absent or empty. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const t = child(el, name)?.text;
  return t ? t : undefined;
}

/** Follows a path of child names (`dependencyManagement/dependencies/dependency` → the `dependency` elements). */
export function descend(el: XmlElement | undefined, path: string): XmlElement[] {
  let cur: XmlElement[] = el ? [el] : [];
  for (const part of path.split('/')) cur = cur.flatMap((c) => children(c, part));
  return cur;
}
