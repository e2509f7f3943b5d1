/**
 * Bounds on the YAML and JSON files the steps read (#14): a file is measured before it is read (a 60 MB job file
 * is refused, not read whole), and its aliases are counted before its values are built (a "billion laughs" file
 * of a few hundred bytes is refused, not expanded by whatever walks or serializes the values later).
 */
import { statSync } from 'node:fs';
import { EVENT_ID, type Event } from 'js-yaml';
import { DataError, type SourceLocation } from '../step/errors';

/** Largest YAML or JSON file read: job, component, conda, deployment, endpoint, model, cases and thresholds files. */
export const MAX_YAML_FILE_BYTES = 4 * 1024 * 1024;
/** Most values a document may hold once its aliases are expanded (a large job YAML holds a few thousand). */
export const MAX_EXPANDED_VALUES = 100_000;

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/** Refuses a file larger than the cap, from its size alone; a file that cannot be stat'ed is left to the reader. */
export function refuseOversizeFile(file: string, maxBytes = MAX_YAML_FILE_BYTES): void {
  let bytes: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return;
    bytes = stats.size;
  } catch {
    return;
  }
  if (bytes > maxBytes)
    throw new DataError(
      `${file} is ${size(bytes)}, over the ${size(maxBytes)} cap on YAML and JSON files: it was not read. Such a file describes a job, a component, a deployment or test cases in a few KB; keep data in data files.`,
      { file },
    );
}

/**
 * Counts the values of the document as they would be once every alias is replaced by what its anchor holds,
 * without building them; throws a DataError at the alias that crosses `maxValues`.
 */
export function refuseAliasExpansion(
  text: string,
  events: readonly Event[],
  where: (offset: number) => SourceLocation,
  maxValues = MAX_EXPANDED_VALUES,
): void {
  const anchored = new Map<string, number>();
  const open: { anchor: string | undefined; countedBefore: number }[] = [];
  let counted = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.SCALAR:
        counted++;
        if (event.anchorStart >= 0) anchored.set(text.slice(event.anchorStart, event.anchorEnd), 1);
        break;
      case EVENT_ID.DOCUMENT:
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        open.push({
          anchor:
            event.type !== EVENT_ID.DOCUMENT && event.anchorStart >= 0
              ? text.slice(event.anchorStart, event.anchorEnd)
              : undefined,
          countedBefore: counted,
        });
        if (event.type !== EVENT_ID.DOCUMENT) counted++;
        break;
      case EVENT_ID.POP: {
        const closed = open.pop();
        if (closed?.anchor !== undefined) anchored.set(closed.anchor, counted - closed.countedBefore);
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        counted += anchored.get(name) ?? 1;
        if (counted > maxValues) {
          const location = where(event.anchorStart - 1);
          throw new DataError(
            `${location.file} is refused: its aliases expand to more than ${maxValues.toLocaleString('en-US')} values (at *${name}, line ${location.line}); it was not expanded. Repeat fewer aliases, or nest them less deeply.`,
            location,
          );
        }
        break;
      }
      default:
        break;
    }
  }
}
