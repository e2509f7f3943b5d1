import { readFileSync } from 'node:fs';
import { EVENT_ID, getScalarValue, load, parseEvents, YAMLException, type Event } from 'js-yaml';
import { DataError, type SourceLocation } from '../step/errors';
import { refuseAliasExpansion, refuseOversizeFile } from './yaml-bounds';

/** A path into a parsed document: mapping keys and sequence indexes. */
export type DocumentPath = ReadonlyArray<string | number>;

/** A parsed YAML (or JSON) document that can say where each of its values was written. */
export interface LocatedDocument {
  readonly file: string;
  readonly value: unknown;
  /** Where the value at `path` (or its key, for mapping entries) starts; the nearest known ancestor otherwise. */
  locate(path: DocumentPath, part?: 'key' | 'value'): SourceLocation;
}

const pathKey = (path: DocumentPath): string => JSON.stringify(path);

/** Parses YAML text (JSON is YAML too), keeping the line and column of every key and value. */
export function parseYaml(text: string, file: string): LocatedDocument {
  let value: unknown;
  let events: Event[];
  const lines = lineStarts(text);
  const toLocation = (offset: number): SourceLocation => {
    const line = lineOf(lines, offset);
    return { file, line: line + 1, column: offset - lines[line]! + 1 };
  };
  try {
    events = parseEvents(text, { filename: file });
    // Before the values are built: whatever walks or serializes them later would expand every alias.
    refuseAliasExpansion(text, events, toLocation);
    value = load(text, { filename: file });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      throw new DataError(
        `${file} is not valid YAML: ${error.reason}`,
        mark ? { file, line: mark.line + 1, column: mark.column + 1 } : { file },
        { cause: error },
      );
    }
    throw error;
  }
  const { keyOffsets, valueOffsets } = indexOffsets(text, events);
  return {
    file,
    value,
    locate(path, part = 'value') {
      const exact = (part === 'key' ? keyOffsets : valueOffsets).get(pathKey(path));
      if (exact !== undefined) return toLocation(exact);
      for (let depth = path.length - 1; depth >= 0; depth--) {
        const offset = valueOffsets.get(pathKey(path.slice(0, depth)));
        if (offset !== undefined) return toLocation(offset);
      }
      return { file };
    },
  };
}

/** Reads and parses a YAML or JSON file; a missing file, or one over the size cap, is a DataError naming it. */
export function readYamlFile(file: string): LocatedDocument {
  refuseOversizeFile(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      { cause: error },
    );
  }
  return parseYaml(text, file);
}

interface Frame {
  readonly path: DocumentPath;
  readonly kind: 'mapping' | 'sequence';
  index: number;
  pendingKey: string | number | undefined;
  expectingKey: boolean;
  /** Depth of a complex (non-scalar) key being skipped. */
  skipping: number;
}

function indexOffsets(text: string, events: Event[]) {
  const keyOffsets = new Map<string, number>();
  const valueOffsets = new Map<string, number>();
  const stack: Frame[] = [];
  let documentDone = false;

  for (const event of events) {
    if (event.type === EVENT_ID.DOCUMENT) {
      if (documentDone) break;
      continue;
    }
    const top = stack[stack.length - 1];
    if (event.type === EVENT_ID.POP) {
      if (!top) {
        documentDone = true;
        continue;
      }
      if (top.skipping > 0) {
        top.skipping--;
        if (top.skipping === 0) top.expectingKey = false;
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) afterChild(parent);
      continue;
    }
    const opensContainer = event.type === EVENT_ID.SEQUENCE || event.type === EVENT_ID.MAPPING;
    if (top && top.skipping > 0) {
      if (opensContainer) top.skipping++;
      continue;
    }
    if (top && top.kind === 'mapping' && top.expectingKey) {
      if (event.type === EVENT_ID.SCALAR) {
        top.pendingKey = getScalarValue(text, event);
        top.expectingKey = false;
        keyOffsets.set(pathKey([...top.path, top.pendingKey]), eventStart(event));
      } else if (opensContainer) {
        top.pendingKey = '?';
        top.skipping = 1;
      } else {
        top.pendingKey = '?';
        top.expectingKey = false;
      }
      continue;
    }
    const path: DocumentPath = !top
      ? []
      : top.kind === 'mapping'
        ? [...top.path, top.pendingKey!]
        : [...top.path, top.index];
    valueOffsets.set(pathKey(path), eventStart(event));
    if (opensContainer) {
      stack.push({
        path,
        kind: event.type === EVENT_ID.MAPPING ? 'mapping' : 'sequence',
        index: 0,
        pendingKey: undefined,
        expectingKey: true,
        skipping: 0,
      });
    } else if (top) {
      afterChild(top);
    }
  }
  return { keyOffsets, valueOffsets };
}

/** Where an event's text starts: its anchor or tag when it has one, else its value (with a scalar's opening quote). */
function eventStart(event: Event): number {
  switch (event.type) {
    case EVENT_ID.SCALAR: {
      const quoted = event.style === 2 || event.style === 3;
      const start =
        event.anchorStart >= 0
          ? event.anchorStart - 1
          : event.tagStart >= 0
            ? event.tagStart
            : event.valueStart;
      return quoted && start === event.valueStart ? start - 1 : start;
    }
    case EVENT_ID.ALIAS:
      return event.anchorStart - 1;
    case EVENT_ID.SEQUENCE:
    case EVENT_ID.MAPPING:
      return event.start;
    default:
      return 0;
  }
}

function afterChild(frame: Frame): void {
  if (frame.kind === 'sequence') frame.index++;
  else frame.expectingKey = true;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
