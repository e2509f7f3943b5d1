/**
 * Spreads the profiling of one or two sides over a few worker threads. A side may be cut into column groups:
 * each group reads the whole file but parses and accumulates only its columns, so every column still sees its
 * values in file order through one accumulator and the profile is the same to the last bit as one pass's
 * (cutting a file at line boundaries instead needs samples and moments that merge, see decision 0007).
 * A cut pays when one side is much bigger than the other, or is the only side read (the other a saved profile).
 */
import type { DatasetProfile } from '../model';
import type { ProfileJob } from './profile-files';

/**
 * The share of a side's profiling time spent finding fields, which every column group repeats: measured on the
 * benchmark's data (a 12-column CSV) as about a third.
 */
const SCAN_SHARE = 1 / 3;

export interface SideWork {
  readonly job: ProfileJob;
  /** Bytes to read (a gzip file counts as its likely unpacked size). */
  readonly bytes: number;
}

/** The pieces of one side: its job cut into column groups (one group: the job itself). */
export function cutSide(job: ProfileJob, groups: number): ProfileJob[] {
  const count = Math.max(1, Math.min(groups, job.columns.length));
  if (count === 1) return [job];
  // Interleaved, so numeric and text columns (which cost differently) spread over the groups.
  return Array.from({ length: count }, (_, group) => ({
    ...job,
    columns: job.columns.filter((_, index) => index % count === group),
    hash: group === 0,
  }));
}

/** How many column groups each side gets so that `workers` threads finish together as nearly as can be. */
export function plan(sides: readonly SideWork[], workers: number): number[] {
  if (sides.length === 1) return [workers];
  const [big, small] = sides[0]!.bytes >= sides[1]!.bytes ? [0, 1] : [1, 0];
  const groups = sides.map(() => 1);
  // Cut into two, the big side's halves each cost (SCAN_SHARE + (1 - SCAN_SHARE) / 2) of it, and the small side
  // runs after one of them: worth it while that ends before the big side would have alone.
  const half = SCAN_SHARE + (1 - SCAN_SHARE) / 2;
  if (workers >= 2 && half * sides[big]!.bytes + sides[small]!.bytes < sides[big]!.bytes) groups[big] = 2;
  return groups;
}

/** The column groups' profiles of one side as the one profile of all its columns, in the job's order. */
export function joinGroups(job: ProfileJob, parts: readonly DatasetProfile[]): DatasetProfile {
  if (parts.length === 1) return parts[0]!;
  const byName = new Map(parts.flatMap((part) => part.columns.map((column) => [column.name, column])));
  return { ...parts[0]!, columns: job.columns.map((name) => byName.get(name)!) };
}

/**
 * Runs `tasks` with at most `concurrency` at once, in order; the first failure aborts `controller` (so the
 * running ones stop) and is the error thrown.
 */
export async function runQueue<T>(
  tasks: readonly (() => Promise<T>)[],
  concurrency: number,
  controller: AbortController,
): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !controller.signal.aborted) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  const lanes = Array.from({ length: Math.min(concurrency, tasks.length) }, () =>
    lane().catch((error: unknown) => {
      controller.abort(error);
      throw error;
    }),
  );
  await Promise.all(lanes);
  return results;
}
