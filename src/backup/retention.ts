// Scheduled backups into a directory: names that sort by time, and retention that keeps the
// newest archive of each of the last N days and of each of the last M ISO weeks.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const PATTERN = /^taskmanager-(\d{8}T\d{6}Z)\.ndjson\.gz$/;

/** `taskmanager-20261201T020000Z.ndjson.gz`: UTC, sortable, one per run. */
export function archiveName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `taskmanager-${stamp}.ndjson.gz`;
}

function takenAt(name: string): Date | undefined {
  const match = PATTERN.exec(name);
  if (!match) return undefined;
  const s = match[1]!;
  return new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
  );
}

/** Monday of the ISO week of `at`, as YYYY-MM-DD. */
function weekOf(at: Date): string {
  const monday = new Date(at);
  monday.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  return monday.toISOString().slice(0, 10);
}

/**
 * The archive names to delete: all but the newest of each of the `daily` most recent days and
 * the newest of each of the `weekly` most recent weeks. Files not named by `archiveName` are
 * never touched.
 */
export function expired(names: string[], keep: { daily: number; weekly: number }): string[] {
  const archives = names
    .map((name) => ({ name, at: takenAt(name) }))
    .filter((a): a is { name: string; at: Date } => a.at !== undefined)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const kept = new Set<string>();
  const pick = (period: (at: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const archive of archives) {
      const key = period(archive.at);
      if (seen.has(key)) continue;
      if (seen.size >= count) break;
      seen.add(key);
      kept.add(archive.name);
    }
  };
  pick((at) => at.toISOString().slice(0, 10), keep.daily);
  pick(weekOf, keep.weekly);
  return archives.filter((a) => !kept.has(a.name)).map((a) => a.name);
}

/** The name of the most recent archive among `names` (by the time in its name), if any. */
export function newest(names: string[]): string | undefined {
  let best: { name: string; at: number } | undefined;
  for (const name of names) {
    const at = takenAt(name)?.getTime();
    if (at !== undefined && (!best || at > best.at)) best = { name, at };
  }
  return best?.name;
}

/** Deletes the expired archives of `dir` (and their .sha256 files); returns their names. */
export async function prune(dir: string, keep: { daily: number; weekly: number }) {
  const names = await readdir(dir);
  const doomed = expired(names, keep);
  for (const name of doomed) {
    await rm(path.join(dir, name), { force: true });
    await rm(path.join(dir, `${name}.sha256`), { force: true });
  }
  return doomed;
}
