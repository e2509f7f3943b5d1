/**
 * Follows the metrics file a job script appends to (`AZUREML_STEPS_METRICS_FILE`, one JSON object a line:
 * `{"name", "value", "step", "timestamp"}`, as examples/weather/src/metrics.py writes it) while it runs.
 */
import { open } from 'node:fs/promises';
import { isObject } from '../arm/resource';

export interface MetricLine {
  name: string;
  value: number;
  step: number;
  timestamp: number;
}

export class MetricsFile {
  private offset = 0;
  /** Bytes after the last newline (a line being written, possibly cut inside a UTF-8 character). */
  private partial = Buffer.alloc(0);
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly onMetric: (metric: MetricLine) => void,
    /** A line that is not a metric (reported in the job log, as the job would print it). */
    private readonly onInvalid: (line: string) => void,
  ) {}

  start(intervalMs = 100): void {
    this.timer = setInterval(() => void this.poll(), intervalMs);
  }

  /** Stops polling and reads what was appended since the last poll (a last line without newline included). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.poll();
    const rest = this.partial.toString('utf8');
    if (rest.trim() !== '') this.handle(rest);
    this.partial = Buffer.alloc(0);
  }

  private poll(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => undefined);
    return this.reading;
  }

  private async readNew(): Promise<void> {
    let file;
    try {
      file = await open(this.path, 'r');
    } catch {
      return; // Not written yet.
    }
    try {
      const { size } = await file.stat();
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const data = Buffer.concat([this.partial, buffer.subarray(0, bytesRead)]);
      const end = data.lastIndexOf(0x0a) + 1;
      this.partial = data.subarray(end);
      for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
        if (line.trim() !== '') this.handle(line);
      }
    } finally {
      await file.close();
    }
  }

  private handle(line: string): void {
    const metric = parseMetric(line);
    if (metric) this.onMetric(metric);
    else this.onInvalid(line);
  }
}

export function parseMetric(line: string): MetricLine | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const { name, value, step = 0, timestamp = Date.now() } = parsed;
  if (typeof name !== 'string' || name === '' || typeof value !== 'number' || !Number.isFinite(value)) {
    return undefined;
  }
  if (typeof step !== 'number' || !Number.isInteger(step) || typeof timestamp !== 'number') return undefined;
  return { name, value, step, timestamp };
}
