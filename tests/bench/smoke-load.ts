/**
 * How much load the smoke-test latency mode sustains, next to wrk against the same server at the same
 * concurrency, and how long the bundle takes from spawn to its first request.
 *
 *   npm run bench:smoke-load [-- --requests 20000 --concurrency 8 --wrk-seconds 10 --runs 5]
 *
 * Needs wrk for the reference figure (`apt-get install wrk`). Prints figures; asserts nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runAsGitHubRunner } from '../harness/github-runner';
import { nodeRuntimes, repoRoot } from '../harness/runtimes';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    'wrk-seconds': { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const wrkSeconds = Number(values['wrk-seconds']);
const runs = Number(values.runs);
const key = 'bench-key-0123456789';
const work = mkdtempSync(join(tmpdir(), 'smoke-load-'));
const body = JSON.stringify({
  input_data: {
    columns: ['Temperature_C', 'Humidity', 'Wind_Speed_kmh', 'Pressure_hPa'],
    index: [0],
    data: [[14.2, 91, 22.5, 1004.1]],
  },
});
const requestFile = join(work, 'request.json');
writeFileSync(requestFile, body);

/** The scoring server runs in its own process, as it would for wrk, so neither client shares its event loop. */
async function startServer(): Promise<{ child: ChildProcess; scoringUri: string }> {
  const child = spawn(
    nodeRuntimes[0]!.path,
    [
      join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
      join(repoRoot, 'tests/servers/start-scoring-server.ts'),
      '--behaviour',
      'correct',
      '--key',
      key,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', resolve),
  );
  return { child, scoringUri: (JSON.parse(line) as { scoringUri: string }).scoringUri };
}

async function ourThroughput(scoringUri: string): Promise<{ rps: number; p50: number; p99: number }> {
  const run = await runAsGitHubRunner({
    action: 'smoke-test',
    inputs: {
      'scoring-uri': scoringUri,
      'auth-key': key,
      'request-file': requestFile,
      'latency-requests': String(requests),
      concurrency: String(concurrency),
    },
    runtime: nodeRuntimes[1],
    timeoutMs: 600_000,
  });
  if (run.exitCode !== 0) throw new Error(`smoke-test failed:\n${run.stdout}\n${run.stderr}`);
  const evidence = JSON.parse(readFileSync(run.outputs['evidence-path']!, 'utf8')) as {
    details: { latency: { requestsPerSecond: number; p50Ms: number; p99Ms: number } };
  };
  const latency = evidence.details.latency;
  return { rps: latency.requestsPerSecond, p50: latency.p50Ms, p99: latency.p99Ms };
}

function wrkThroughput(scoringUri: string): { rps: number; output: string } | undefined {
  if (spawnSync('wrk', ['--version']).error) return undefined;
  const script = join(work, 'post.lua');
  writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      `wrk.body = ${JSON.stringify(body)}`,
      'wrk.headers["Content-Type"] = "application/json"',
      `wrk.headers["Authorization"] = "Bearer ${key}"`,
      '',
    ].join('\n'),
  );
  // One wrk thread, like our single-threaded client, with the same number of connections in flight.
  const result = spawnSync('wrk', ['-t1', `-c${concurrency}`, `-d${wrkSeconds}s`, '-s', script, scoringUri], {
    encoding: 'utf8',
  });
  const match = /Requests\/sec:\s+([\d.]+)/.exec(result.stdout);
  if (!match) throw new Error(`could not read wrk's output:\n${result.stdout}${result.stderr}`);
  return { rps: Number(match[1]), output: result.stdout };
}

/** Milliseconds from spawning the bundle to the first request reaching a server in this process. */
async function startupToFirstRequest(runtime: (typeof nodeRuntimes)[number]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    let spawnedAt = 0n;
    let firstAt = 0n;
    const server = createServer((request, response) => {
      if (firstAt === 0n) firstAt = process.hrtime.bigint();
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('[1]');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: {
        'scoring-uri': `http://127.0.0.1:${port}/score`,
        'request-file': requestFile,
        'latency-requests': '0',
      },
      runtime,
      onStart: () => (spawnedAt = process.hrtime.bigint()),
    });
    server.close();
    times.push(Number(firstAt - spawnedAt) / 1e6);
  }
  return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const { child, scoringUri } = await startServer();
  try {
    const ours = await ourThroughput(scoringUri);
    const wrk = wrkThroughput(scoringUri);
    console.log(
      `smoke-test latency mode: ${ours.rps.toFixed(0)} requests/s (${requests} requests, concurrency ${concurrency}; p50 ${ours.p50.toFixed(2)} ms, p99 ${ours.p99.toFixed(2)} ms)`,
    );
    if (wrk) {
      console.log(`wrk -t1 -c${concurrency} -d${wrkSeconds}s:  ${wrk.rps.toFixed(0)} requests/s`);
      console.log(`ratio smoke-test / wrk: ${(ours.rps / wrk.rps).toFixed(2)}`);
    } else {
      console.log('wrk: not installed (apt-get install wrk); no reference figure');
    }
  } finally {
    child.kill('SIGTERM');
  }
  for (const runtime of nodeRuntimes) {
    const times = await startupToFirstRequest(runtime);
    console.log(
      `bundle start-up to first request (${runtime.name}, ${runs} runs): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
