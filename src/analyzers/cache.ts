/**
 * The per-scan store of analyses: each file is parsed once per scan, however many scanners read it, and each
 * whole-target derivation (the package inventory, the exposure map) is computed once. Scanners run at the same
 * time; a file's analysis is synchronous over its text, so whichever scanner has read the text first computes it
 * and the others find the value (or the error, thrown again) in the store. Files a target
 * analysis could not read are recorded with its result and reported to every scanner that uses it, as if each had
 * read them itself.
 */
import type { Analyses, FileAnalyzer, Limits, Parse, Target, TargetAnalyzer, TargetFile } from '../core/types.js';

/** One scan's analyses; {@link AnalysisStore.forScanner} gives each scanner its view. */
export interface AnalysisStore {
  forScanner(fileError: (path: string, message: string) => void): Analyses;
}

/** A fresh store for one scan of `target`. */
export function createAnalysisStore(target: Target, limits: Limits, signal: AbortSignal): AnalysisStore {
  const files = new Map<string, Map<string, { value: unknown } | { error: unknown }>>();
  const whole = new Map<string, Promise<{ value: unknown; errors: [string, string][] }>>();
  const forScanner = (fileError: (path: string, message: string) => void): Analyses => {
    const view: Analyses = {
      async file<T>(analyzer: FileAnalyzer<T>, file: TargetFile): Promise<T> {
        // The analysis itself is synchronous: whoever has the text first computes it, the others find it here.
        const done = files.get(analyzer.id)?.get(fileKey(file));
        if (done) return unwrap<T>(done);
        return view.parse(analyzer, file, await file.text());
      },
      parse<T>(analyzer: FileAnalyzer<T>, file: TargetFile, text: string): T {
        let byFile = files.get(analyzer.id);
        if (!byFile) files.set(analyzer.id, (byFile = new Map()));
        const key = fileKey(file);
        let entry = byFile.get(key);
        if (!entry) {
          try {
            entry = { value: analyzer.analyze(file.path, text) };
          } catch (error) {
            entry = { error };
          }
          byFile.set(key, entry);
        }
        return unwrap<T>(entry);
      },
      parser(file: TargetFile): Parse {
        return (analyzer, _path, text) => view.parse(analyzer, file, text);
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

function unwrap<T>(entry: { value: unknown } | { error: unknown }): T {
  if ('error' in entry) throw entry.error;
  return entry.value as T;
}

/** One version of one file: its path, and the commit or content it came from when a target has several. */
function fileKey(file: TargetFile): string {
  return `${file.path}\0${file.origin?.commit ?? ''}\0${file.contentId ?? ''}`;
}
