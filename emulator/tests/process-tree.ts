import { readdirSync, readFileSync } from 'node:fs';

/** A process as /proc shows it: pid and start time (together they name it even once its pid is reused). */
export interface ProcessStamp {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
}

/** `/proc/<pid>/stat`: the command may hold spaces and parentheses, so fields are read after its last ')'. */
function stat(pid: number): { state: string; ppid: number; startTime: string; command: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      state: fields[0]!,
      ppid: Number(fields[1]),
      startTime: fields[19]!,
      command: text.slice(text.indexOf('(') + 1, close),
    };
  } catch {
    return undefined;
  }
}

/** Every process below `root` now (children, grandchildren, ... whatever group or session they moved to). */
export function descendantsOf(root: number): ProcessStamp[] {
  const children = new Map<number, ProcessStamp[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = stat(Number(entry));
    if (!info) continue;
    const list = children.get(info.ppid) ?? [];
    list.push({ pid: Number(entry), startTime: info.startTime, command: info.command });
    children.set(info.ppid, list);
  }
  const found: ProcessStamp[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

/** Whether the very process stamped is still there (a zombie counts as gone: it has stopped running). */
export function stillRunning(process: ProcessStamp): boolean {
  const info = stat(process.pid);
  return info !== undefined && info.startTime === process.startTime && info.state !== 'Z';
}
