import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Environment that makes a step process report its peak resident memory, and the reader of that report.
 * The step's own process is measured, not the emulator or the test runner.
 */
export function peakRssProbe(): {
  env: Record<string, string>;
  readMb(): number | undefined;
  dispose(): void;
} {
  const folder = mkdtempSync(path.join(tmpdir(), 'reliability-rss-'));
  const file = path.join(folder, 'peak-rss.txt');
  return {
    env: {
      NODE_OPTIONS: `--require ${path.join(__dirname, 'report-peak-rss.cjs')}`,
      RELIABILITY_PEAK_RSS_FILE: file,
    },
    readMb() {
      try {
        const kilobytes = readFileSync(file, 'utf8').trim().split('\n').map(Number);
        return Math.round(Math.max(...kilobytes) / 1024);
      } catch {
        return undefined;
      }
    },
    dispose() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
