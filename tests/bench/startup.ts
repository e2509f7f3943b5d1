/**
 * How fast each bundle starts: from spawn to the input error (empty inputs) and to its first request against the
 * emulator (valid inputs, signed in as the host would be), next to `node -e 0` measured in the same run, for every
 * step, both hosts' bundles and both runtimes. Targets (Node 24): the input error within `node -e 0` + 50 ms, the
 * first request within `node -e 0` + 150 ms.
 *
 *   npm run bench:startup [-- --runs 7 --step train --runtime node24]
 *
 * Each case runs once untimed first (the compile cache, on Node 22.8+, then holds the bundle as it does from a
 * pipeline's second step on). Node writes the cache when the process exits: the untimed run is cancelled (SIGINT)
 * at its first request rather than killed, so the chunks loaded after the inputs are in the cache too. Next to
 * each wall time, the process's CPU time (user + system) at that moment, noted by startup-cpu-probe.cjs, which a
 * loaded machine distorts less. Prints a table; asserts nothing. Needs the bundles (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { actionFolder } from '../../scripts/generate/action-yml';
import { taskFolder } from '../../scripts/generate/task-json';
import { startEmulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { kebabCase } from '../../shared/src/step/manifest';
import { stepManifests } from '../../shared/src/steps/manifests';
import { runAsAzurePipelinesAgent } from '../harness/azure-pipelines-agent';
import { emulatorSignIn } from '../harness/emulator-run';
import { runAsGitHubRunner } from '../harness/github-runner';
import type { Host } from '../harness/host-run';
import { nodeRuntimes, repoRoot, type NodeRuntime } from '../harness/runtimes';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    step: { type: 'string', multiple: true },
    runtime: { type: 'string', multiple: true },
  },
});
const runs = Number(values.runs);
const targets = { inputErrorMs: 50, firstRequestMs: 150 };
const weather = join(repoRoot, 'examples/weather');

/**
 * Inputs that pass validation and make the step's first call to Azure (the token request comes first). drift-check
 * reads local files only: it has no first request.
 */
const validInputs: Record<string, Record<string, string>> = {
  train: { jobFile: join(weather, 'train-job.yml') },
  'register-model': { modelName: 'rain', jobName: 'bench-job', jobOutput: 'model' },
  deploy: { endpointName: 'rain-bench', deploymentName: 'blue', modelId: 'azureml:rain:1' },
  'smoke-test': { endpointName: 'rain-bench', requestFile: join(weather, 'requests', 'two-rows.json') },
  'release-gate': {
    modelId: 'azureml:rain:1',
    policyFile: join(weather, 'release-policy.yml'),
    evidence: mkdtempSync(join(tmpdir(), 'bench-evidence-')),
  },
};

interface Case {
  readonly step: string;
  readonly host: Host;
  readonly runtime: NodeRuntime;
  readonly folder: string;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
};
const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** What each timed process notes of its CPU time (startup-cpu-probe.cjs), through NODE_OPTIONS. */
const cpuFile = join(mkdtempSync(join(tmpdir(), 'bench-cpu-')), 'cpu.txt');
const cpuProbeEnv = {
  NODE_OPTIONS: `--require ${JSON.stringify(join(__dirname, 'startup-cpu-probe.cjs'))}`,
  BENCH_CPU_FILE: cpuFile,
};

/** The CPU ms the last timed process noted at `event` (its first such line), or NaN. */
function takeCpu(event: 'error' | 'request' | 'exit'): number {
  let text = '';
  try {
    text = readFileSync(cpuFile, 'utf8');
  } catch {
    return NaN;
  }
  rmSync(cpuFile, { force: true });
  const line = text.split('\n').find((entry) => entry.split(' ')[1] === event);
  return line ? Number(line.split(' ')[2]) : NaN;
}

/** A wall time and the process's CPU time at that moment. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * A bundle's size: the JavaScript loaded before the inputs are read (the entry chunk and the chunks it imports
 * statically) and all it ships (source maps and legal notices aside).
 */
function bundleSize(folder: string): string {
  const dist = join(folder, 'dist');
  const files = readdirSync(dist).filter((name) => /\.m?js$/.test(name));
  const size = (name: string) => statSync(join(dist, name)).size;
  const eager = new Set<string>();
  const visit = (name: string) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const [, chunk] of readFileSync(join(dist, name), 'utf8').matchAll(/from\s*"\.\/([^"]+\.mjs)"/g))
      visit(chunk!);
  };
  visit(files.includes('step.mjs') ? 'step.mjs' : 'step.js');
  visit('index.js');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  return `${kb([...eager].reduce((sum, name) => sum + size(name), 0))} / ${kb(files.reduce((sum, name) => sum + size(name), 0))}`;
}

function nodeE0(runtime: NodeRuntime): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(runtime.path, ['-e', '0'], {
      stdio: 'ignore',
      env: { ...process.env, ...cpuProbeEnv },
    });
    child.on('error', reject);
    child.on('close', () => resolve({ ms: since(start), cpuMs: takeCpu('exit') }));
  });
}

/** A TCP pass-through in front of the emulator that notes when the first connection arrives. */
async function startFirstRequestProxy(target: URL) {
  const sockets = new Set<Socket>();
  let firstAt: bigint | undefined;
  let onFirst: (() => void) | undefined;
  const server = createServer((client) => {
    if (firstAt === undefined) {
      firstAt = process.hrtime.bigint();
      onFirst?.();
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    /** Resets the watch; `then` is called once at the next first connection. */
    watch(then: () => void) {
      firstAt = undefined;
      onFirst = then;
    },
    get firstAt() {
      return firstAt;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Proxy = Awaited<ReturnType<typeof startFirstRequestProxy>>;

/** Runs one case's bundle as its host; `measure` sees the child and returns the figure once the run ended. */
async function runCase(
  c: Case,
  inputs: Record<string, string>,
  env: Record<string, string>,
  onStart: (child: import('node:child_process').ChildProcess) => void,
): Promise<string> {
  if (c.host === 'azure-pipelines') {
    const run = await runAsAzurePipelinesAgent({
      task: basename(c.folder),
      inputs,
      runtime: c.runtime,
      extraEnv: env,
      onStart,
      timeoutMs: 60_000,
    });
    return run.issues.find((issue) => issue.type === 'error')?.message ?? '';
  }
  const run = await runAsGitHubRunner({
    action: c.step,
    inputs: Object.fromEntries(Object.entries(inputs).map(([name, value]) => [kebabCase(name), value])),
    runtime: c.runtime,
    extraEnv: env,
    onStart,
    timeoutMs: 60_000,
  });
  return run.annotations.find((a) => a.level === 'error')?.message ?? '';
}

/** Spawn to the first error line on stdout (##vso[task.logissue type=error] or ::error). */
async function toInputError(c: Case): Promise<Timing> {
  let start = 0n;
  let at: number | undefined;
  await runCase(c, {}, cpuProbeEnv, (child) => {
    start = process.hrtime.bigint();
    child.stdout!.on('data', (chunk: Buffer) => {
      if (at === undefined && /##vso\[task\.logissue type=error|^::error/m.test(chunk.toString()))
        at = since(start);
    });
  });
  if (at === undefined) throw new Error(`${c.step} (${c.host}, ${c.runtime.name}): no input error`);
  return { ms: at, cpuMs: takeCpu('error') };
}

/**
 * Spawn to the first connection reaching the emulator; the child is stopped there, killed, or cancelled when
 * `warmUp` (the step then ends as a cancelled one does, and Node writes its compile cache).
 */
async function toFirstRequest(
  c: Case,
  proxy: Proxy,
  description: ReturnType<typeof describeEmulator>,
  warmUp: boolean,
): Promise<Timing> {
  let start = 0n;
  const access = emulatorSignIn(c.host, description);
  const inputs = {
    ...access.inputs,
    resourceGroup: description.resourceGroup,
    workspaceName: description.workspaceName,
    ...validInputs[c.step],
  };
  const error = await runCase(c, inputs, { ...access.env, ...cpuProbeEnv }, (child) => {
    start = process.hrtime.bigint();
    proxy.watch(() => child.kill(warmUp ? 'SIGINT' : 'SIGKILL'));
  });
  const first = proxy.firstAt;
  if (first === undefined)
    throw new Error(`${c.step} (${c.host}, ${c.runtime.name}): no request reached the emulator: ${error}`);
  return { ms: Number(first - start) / 1e6, cpuMs: takeCpu('request') };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const emulator = await startEmulator();
  const proxy = await startFirstRequestProxy(new URL(emulator.armUrl));
  // Every URL the steps get for the emulator goes through the proxy (TLS passes through untouched).
  const description = JSON.parse(
    JSON.stringify(describeEmulator(emulator)).split(emulator.armUrl).join(proxy.origin),
  ) as ReturnType<typeof describeEmulator>;
  const runtimes = nodeRuntimes.filter((r) => !values.runtime || values.runtime.includes(r.name));
  const cases: Case[] = stepManifests
    .filter((m) => !values.step || values.step.includes(m.id))
    .flatMap((m) =>
      (['azure-pipelines', 'github'] as const).flatMap((host) =>
        runtimes.map((runtime) => ({
          step: m.id,
          host,
          runtime,
          folder: join(repoRoot, host === 'github' ? actionFolder(m) : taskFolder(m)),
        })),
      ),
    );

  const bare = new Map<string, Timing[]>(runtimes.map((r) => [r.name, []]));
  const inputError = new Map<Case, Timing[]>(cases.map((c) => [c, []]));
  const firstRequest = new Map<Case, Timing[]>(cases.map((c) => [c, []]));
  const failures = new Map<Case, string>();
  try {
    for (let round = 0; round <= runs; round++) {
      const timed = round > 0;
      for (const runtime of runtimes) {
        const timing = await nodeE0(runtime);
        if (timed) bare.get(runtime.name)!.push(timing);
      }
      for (const c of cases) {
        if (failures.has(c)) continue;
        try {
          const error = await toInputError(c);
          const request =
            c.step in validInputs ? await toFirstRequest(c, proxy, description, !timed) : undefined;
          if (timed) {
            inputError.get(c)!.push(error);
            if (request !== undefined) firstRequest.get(c)!.push(request);
          }
        } catch (error) {
          failures.set(c, (error as Error).message);
        }
      }
      process.stderr.write(round === 0 ? 'warm-up done\n' : `round ${round}/${runs}\n`);
    }
  } finally {
    await proxy.close();
    await emulator.close();
  }

  const wall = (timings: Timing[]) => median(timings.map((t) => t.ms));
  const cpu = (timings: Timing[]) => median(timings.map((t) => t.cpuMs));
  const rows = cases.map((c) => {
    const base = wall(bare.get(c.runtime.name)!);
    const baseCpu = cpu(bare.get(c.runtime.name)!);
    const err = wall(inputError.get(c)!);
    const req = wall(firstRequest.get(c)!);
    const errCpu = cpu(inputError.get(c)!);
    const reqCpu = cpu(firstRequest.get(c)!);
    const judged = c.runtime.name === 'node24';
    const talksToAzure = c.step in validInputs;
    const pass =
      err - base <= targets.inputErrorMs && (!talksToAzure || req - base <= targets.firstRequestMs);
    return [
      c.step,
      c.host,
      c.runtime.name,
      bundleSize(c.folder),
      `${base.toFixed(0)} / ${baseCpu.toFixed(0)}`,
      `${err.toFixed(0)} (+${(err - base).toFixed(0)}) / ${errCpu.toFixed(0)} (+${(errCpu - baseCpu).toFixed(0)})`,
      talksToAzure
        ? `${req.toFixed(0)} (+${(req - base).toFixed(0)}) / ${reqCpu.toFixed(0)} (+${(reqCpu - baseCpu).toFixed(0)})`
        : 'no Azure call',
      failures.has(c) ? 'error' : judged ? (pass ? 'pass' : 'FAIL') : '-',
    ];
  });
  const header = [
    'step',
    'host',
    'runtime',
    'bundle: loaded first / all',
    'node -e 0 ms: wall / CPU',
    'input error ms: wall / CPU',
    'first request ms: wall / CPU',
    `target (+${targets.inputErrorMs}/+${targets.firstRequestMs}, node24)`,
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `medians of ${runs} runs, ms from spawn (wall) and the process's user + system CPU ms then; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  for (const [c, message] of failures) console.log(`${c.step} (${c.host}, ${c.runtime.name}): ${message}`);
  if (failures.size > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
