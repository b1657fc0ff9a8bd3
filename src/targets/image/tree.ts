/**
 * The merged file system of an image, built layer by layer as the OCI image spec says: a later layer's entry
 * replaces a lower one's, `.wh.<name>` deletes `<name>` (and all below it) from lower layers, and
 * `<dir>/.wh..wh..opq` hides everything lower layers put under `<dir>`. Whiteouts never touch entries of their
 * own layer, whatever the order in its tar. Every replaced or deleted version of a file is kept as hidden: it is
 * still in its layer's blob.
 */

/** Where the bytes of one version of a file are. */
export interface FileData {
  fd: number;
  offset: number;
  size: number;
}

/** One entry a layer puts in the file system. */
export interface TreeEntry {
  path: string;
  /** Index of the layer, 0 for the lowest. */
  layer: number;
  kind: 'file' | 'symlink' | 'other';
  mode: number;
  /** For regular files (and hard links to them). */
  data?: FileData;
}

interface Node {
  children?: Map<string, Node>;
  entry?: TreeEntry;
}

/** The merged tree and the versions it hides. */
export class ImageTree {
  private readonly root: Node = {};
  /** Versions of files no longer visible: deleted or replaced. */
  readonly hidden: TreeEntry[] = [];

  private hide(e: TreeEntry | undefined): void {
    if (e?.kind === 'file') this.hidden.push(e);
  }

  /** Hides every entry below `node` (itself included) put there by a layer lower than `layer`; prunes empty nodes. */
  private hideBelow(node: Node, layer: number): boolean {
    if (node.entry && node.entry.layer < layer) {
      this.hide(node.entry);
      delete node.entry;
    }
    if (node.children) {
      for (const [k, c] of node.children) if (this.hideBelow(c, layer)) node.children.delete(k);
      if (node.children.size === 0) delete node.children;
    }
    return !node.entry && !node.children;
  }

  /** The node at `parts`, created along the way; a file met where a folder must be is replaced. */
  private walk(parts: string[], layer: number): Node {
    let n = this.root;
    for (const p of parts) {
      if (n.entry && n.entry.kind !== 'other') {
        // A file or link where a folder now is: the folder replaces it.
        this.hide(n.entry);
        delete n.entry;
      }
      n.children ??= new Map();
      let c = n.children.get(p);
      if (!c) n.children.set(p, (c = {}));
      n = c;
    }
    void layer;
    return n;
  }

  private find(parts: string[]): Node | undefined {
    let n: Node | undefined = this.root;
    for (const p of parts) {
      n = n.children?.get(p);
      if (!n) return undefined;
    }
    return n;
  }

  /** A folder. A file at its place from any layer is replaced. */
  addDir(parts: string[], layer: number, mode: number): void {
    const n = this.walk(parts, layer);
    if (n.entry && n.entry.kind !== 'other') this.hide(n.entry);
    n.entry = { path: parts.join('/'), layer, kind: 'other', mode };
  }

  /** A file, symbolic link or other non-folder entry: it replaces what was there, folders included. */
  addFile(parts: string[], entry: TreeEntry): void {
    const n = this.walk(parts, entry.layer);
    this.hide(n.entry);
    if (n.children) {
      // A file where a folder was: everything under it goes, whatever layer put it there.
      for (const c of n.children.values()) this.hideBelow(c, Infinity);
      delete n.children;
    }
    n.entry = entry;
  }

  /** `.wh.<name>`: deletes `parts` and all below it from lower layers. */
  whiteout(parts: string[], layer: number): void {
    const parent = this.find(parts.slice(0, -1));
    const name = parts[parts.length - 1]!;
    const n = parent?.children?.get(name);
    if (!n || !parent?.children) return;
    if (this.hideBelow(n, layer)) parent.children.delete(name);
  }

  /** `.wh..wh..opq` in `dir`: hides everything lower layers put below `dir` (not `dir` itself). */
  opaque(dir: string[], layer: number): void {
    const n = this.find(dir);
    if (!n?.children) return;
    for (const [k, c] of n.children) if (this.hideBelow(c, layer)) n.children.delete(k);
    if (n.children.size === 0) delete n.children;
  }

  /** The regular file at `parts` now (to resolve hard links). */
  fileAt(parts: string[]): TreeEntry | undefined {
    const e = this.find(parts)?.entry;
    return e?.kind === 'file' ? e : undefined;
  }

  /** Every visible entry, in path order (depth-first, names sorted). */
  entries(): TreeEntry[] {
    const out: TreeEntry[] = [];
    const visit = (n: Node): void => {
      if (n.entry) out.push(n.entry);
      if (!n.children) return;
      for (const k of [...n.children.keys()].sort()) visit(n.children.get(k)!);
    };
    visit(this.root);
    return out;
  }
}

/**
 * A layer member's name as path segments: leading `./` and `/` dropped, `.` segments dropped. Undefined for a name
 * that climbs out (`..`) or is empty.
 */
export function pathParts(name: string): string[] | undefined {
  const parts = name.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts;
}
