/**
 * The per-scan store of analyses: each file is parsed once per scan, however many scanners read it, and each
 * whole-target derivation (the package inventory, the exposure map) is computed once. Scanners run at the same
 * time, so the store holds promises: the second scanner to ask waits for the first one's parse. Files a target
 * analysis could not read are recorded with its result and reported to every scanner that uses it, as if each had
 * read them itself.
 */
import type { Analyses, FileAnalyzer, Limits, Target, TargetAnalyzer, TargetFile } from '../core/types.js';

/** One scan's analyses; {@link AnalysisStore.forScanner} gives each scanner its view. */
export interface AnalysisStore {
  forScanner(fileError: (path: string, message: string) => void): Analyses;
}

/** A fresh store for one scan of `target`. */
export function createAnalysisStore(target: Target, limits: Limits, signal: AbortSignal): AnalysisStore {
  const files = new Map<string, Map<string, Promise<unknown>>>();
  const whole = new Map<string, Promise<{ value: unknown; errors: [string, string][] }>>();
  const forScanner = (fileError: (path: string, message: string) => void): Analyses => {
    const view: Analyses = {
      file<T>(analyzer: FileAnalyzer<T>, file: TargetFile): Promise<T> {
        let byFile = files.get(analyzer.id);
        if (!byFile) files.set(analyzer.id, (byFile = new Map()));
        const key = fileKey(file);
        let p = byFile.get(key) as Promise<T> | undefined;
        if (!p) {
          p = file.text().then((text) => analyzer.analyze(file.path, text));
          byFile.set(key, p);
        }
        return p;
      },
      async target<T>(analyzer: TargetAnalyzer<T>): Promise<T> {
        let p = whole.get(analyzer.id);
        if (!p) {
          const errors: [string, string][] = [];
          // The analysis reads through the view of the scanner that asked first; its own file errors are kept
          // apart and replayed to every scanner that uses the result.
          const inner = forScanner(() => {});
          p = analyzer
            .analyze(target, inner, { limits, signal, fileError: (path, message) => errors.push([path, message]) })
            .then((value) => ({ value, errors }));
          whole.set(analyzer.id, p);
        }
        const { value, errors } = await p;
        for (const [path, message] of errors) fileError(path, message);
        return value as T;
      },
    };
    return view;
  };
  return { forScanner };
}

/** One version of one file: its path, and the commit or content it came from when a target has several. */
function fileKey(file: TargetFile): string {
  return `${file.path}\0${file.origin?.commit ?? ''}\0${file.contentId ?? ''}`;
}
