/** What this module needs of the compiler's API (its internal node allocator). */
interface Allocating {
  objectAllocator: { getNodeConstructor(): { prototype: object }; getTokenConstructor(): { prototype: object }; getIdentifierConstructor(): { prototype: object } };
  setObjectAllocator(alloc: object): void;
}

type Fields = Record<string, unknown>;

/**
 * Smaller syntax nodes for the parser. The compiler's node constructors (`NodeObject`, `TokenObject`,
 * `IdentifierObject` of its services layer) also set `id`, `modifierFlagsCache`, `original` and `emitNode`: fields
 * of the binder, checker and emitter, which the analysis never runs. A node is ~170 bytes on 64 bits and trees are
 * most of an import group's memory (~85%); without those four fields a tree is ~15% smaller and parses a little
 * faster. The constructors here share the compiler's prototypes (`getText`, `getStart`...), and every reader of
 * the four fields treats a missing one as its initial value (`getNodeId` assigns an id when `!node.id`,
 * `getOriginalNode` follows `original` while set, `getEmitFlags` reads `emitNode?.flags`, the modifier cache tests
 * a bit). Process-wide (the compiler's allocator is global to the thread that loaded it): called once when the
 * compiler is loaded.
 */
export function slimNodes(ts: object): void {
  const api = ts as Allocating;
  const alloc = api.objectAllocator;
  const nodeProto = alloc.getNodeConstructor().prototype;
  const tokenProto = alloc.getTokenConstructor().prototype;
  const idProto = alloc.getIdentifierConstructor().prototype;
  // One function per kind of node, as in the compiler: each keeps its own object shapes.
  function Node(this: Fields, kind: number, pos: number, end: number): void {
    this.pos = pos;
    this.end = end;
    this.kind = kind;
    this.flags = 0;
    this.transformFlags = 0;
    this.parent = undefined;
  }
  function Token(this: Fields, kind: number, pos: number, end: number): void {
    this.pos = pos;
    this.end = end;
    this.kind = kind;
    this.flags = 0;
    this.transformFlags = 0;
    this.parent = undefined;
  }
  function Identifier(this: Fields, kind: number, pos: number, end: number): void {
    this.pos = pos;
    this.end = end;
    this.kind = kind;
    this.flags = 0;
    this.transformFlags = 0;
    this.parent = undefined;
  }
  Node.prototype = nodeProto;
  Token.prototype = tokenProto;
  Identifier.prototype = idProto;
  api.setObjectAllocator({ getNodeConstructor: () => Node, getTokenConstructor: () => Token, getIdentifierConstructor: () => Identifier });
}

/** Fields of the binder and checker that the compiler's node factory sets to `undefined` on each new node. */
const BINDER_FIELDS = /^[ \t]*node\.(jsDoc|symbol|localSymbol|flowNode|locals|nextContainer|endFlowNode|returnFlowNode) = void 0;$/gm;

/**
 * The compiler's source with its node factory (`createNodeFactory`, which the parser builds every node with) no
 * longer setting the binder's and checker's fields to `undefined` on each node: `jsDoc`, `symbol`, `localSymbol`,
 * `flowNode`, `locals`, `nextContainer`, `endFlowNode`, `returnFlowNode`, ~2.4 of a parsed node's ~10 fields on
 * average. Reading a missing field gives `undefined` as before; the parser sets `jsDoc` itself when a node has
 * JSDoc, and the binder (never run by the analysis) would add the others. Only the factory's text is changed: the
 * binder's own `node.flowNode = void 0` (a reset) is outside it. When the markers are not found (another compiler
 * version), the source is left as it is.
 */
export const SLIM_FACTORY = {
  tag: 'slim1',
  apply(source: string): string {
    const start = source.indexOf('\nfunction createNodeFactory(');
    const end = source.indexOf('\nvar factory = createNodeFactory(', start);
    if (start < 0 || end < 0) return source;
    return source.slice(0, start) + source.slice(start, end).replace(BINDER_FIELDS, '') + source.slice(end);
  },
};
