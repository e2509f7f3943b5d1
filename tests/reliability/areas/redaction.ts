/**
 * Secret leaks (#14): a scoring server that echoes the endpoint key cut at the quote limit, JSON-escaped,
 * URL-encoded or base64, and a sign-in secret with `"`, `\` and `|` that a train dry run's request carries. Nothing
 * any step prints or writes (log, annotations, summary, evidence JSON, JUnit, outputs) may hold a canary in any form.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { describeEmulator } from '../../../emulator/start';
import { addDocsAssets } from '../../harness/docs-assets';
import { runOnEmulator } from '../../harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../../harness/host-run';
import { repoRoot } from '../../harness/runtimes';
import { countCanaryHits, newCanary } from '../canary';
import { defineArea, isUnexpectedError, type Probe } from '../probe';

const hosts: readonly Host[] = ['azure-pipelines', 'github'];
const casesFile = join(repoRoot, 'tests/fixtures/smoke/reliability-redaction-cases.yml');
const outDir = join(repoRoot, 'out', 'reliability-redaction');

/** How the hostile server echoes the key it was sent; each case of the cases file asks for one. */
type Echo = 'cut' | 'json' | 'url' | 'base64';

interface SmokeRun {
  readonly host: Host;
  readonly run: HostRun;
  readonly junit: string;
}

interface Context {
  readonly key: string;
  readonly signInSecret: string;
  readonly emulator: Emulator;
  readonly description: ReturnType<typeof describeEmulator>;
  readonly server: Server;
  readonly scoringUri: string;
  /** One smoke-test run per host over the four echo cases, made once, judged by each echo probe. */
  smokeRuns?: Promise<SmokeRun[]>;
}

/** The answer (HTTP 500) of a careless model server that quotes the key back, in the form `echo` says. */
function hostileAnswer(echo: string, key: string): { type: string; body: string } {
  switch (echo) {
    case 'cut': {
      // Plain text, the key straddling the 200-character quote limit: its first ~25 characters stay in the quote.
      const pad = 'x'.repeat(150);
      return { type: 'text/plain', body: `model error ${pad} Authorization: Bearer ${key} ${pad}` };
    }
    case 'json':
      return { type: 'application/json', body: JSON.stringify({ error: 'bad key', key }) };
    case 'url':
      return {
        type: 'application/json',
        body: `{"error":"retry at https://model/retry?key=${encodeURIComponent(key)}&x=1"}`,
      };
    default:
      return {
        type: 'application/json',
        body: JSON.stringify({ error: 'bad key', auth: Buffer.from(key).toString('base64') }),
      };
  }
}

async function startHostileServer(): Promise<{ server: Server; scoringUri: string }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'GET') return void response.writeHead(200).end('Healthy');
      const sent = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      const echo = /"data":\s*\[\["(\w+)"\]\]/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? 'json';
      const answer = hostileAnswer(echo, sent);
      response.writeHead(500, { 'Content-Type': answer.type });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, scoringUri: `http://127.0.0.1:${port}/score` };
}

function smokeRuns(context: Context): Promise<SmokeRun[]> {
  context.smokeRuns ??= Promise.all(
    hosts.map(async (host) => {
      const junit = join(outDir, `junit-${host}.xml`);
      rmSync(junit, { force: true });
      const run = await runStepAs(host, {
        task: 'AzureMLSmokeTestV1',
        action: 'smoke-test',
        inputs: {
          scoringUri: context.scoringUri,
          authKey: context.key,
          casesFile,
          latencyRequests: '0',
          readyTimeoutSeconds: '5',
          junitFile: junit,
        },
      });
      return { host, run, junit };
    }),
  );
  return context.smokeRuns;
}

const read = (file: string | undefined) => {
  try {
    return file ? readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
};

/** Everything a run printed or wrote: log, annotations, summary, evidence, outputs and the given files. */
function everythingWritten(run: HostRun, files: readonly string[] = []): string {
  return [
    run.everythingPrinted,
    run.summary,
    ...run.errors,
    ...run.warnings,
    ...Object.values(run.outputs),
    read(run.outputs.evidencePath),
    ...files.map(read),
  ].join('\n');
}

/**
 * What a smoke run wrote about one case, per place: its log lines (the case line and the indented lines under
 * it), the annotations and summary lines naming it, its evidence entry (and the message when it names it), its
 * JUnit test case.
 */
function writtenAboutCase({ run, junit }: SmokeRun, name: string): [string, string][] {
  const lines = run.everythingPrinted.split('\n');
  const logged: string[] = [];
  lines.forEach((line, at) => {
    if (!line.includes(`${name}:`) && !line.includes(`'${name}'`)) return;
    logged.push(line);
    for (let next = at + 1; next < lines.length && /^\s/.test(lines[next]!); next++)
      logged.push(lines[next]!);
  });
  const evidence = JSON.parse(read(run.outputs.evidencePath) || '{}') as {
    message?: string;
    details?: { cases?: { name: string }[] };
  };
  const junitCase = new RegExp(`<testcase name="${name}"[\\s\\S]*?</testcase>`).exec(read(junit))?.[0] ?? '';
  return [
    ['log', logged.join('\n')],
    [
      'summary',
      run.summary
        .split('\n')
        .filter((line) => line.includes(name))
        .join('\n'),
    ],
    [
      'evidence',
      [
        JSON.stringify(evidence.details?.cases?.find((c) => c.name === name) ?? {}),
        evidence.message?.includes(name) ? evidence.message : '',
      ].join('\n'),
    ],
    ['JUnit', junitCase],
    ['outputs', Object.values(run.outputs).join('\n')],
  ];
}

function echoProbe(echo: Echo, title: string): Probe<Context> {
  const name = `echo-${echo}`;
  return {
    id: `redaction/key-${echo === 'cut' ? 'cut-at-quote-limit' : `${echo}-echoed`}`,
    kind: 'leak',
    title,
    expected: 'case fails on the answer; no canary in log, summary, evidence, JUnit (both hosts)',
    boundMs: 20_000,
    async run(context) {
      const runs = await smokeRuns(context);
      const found = runs.map((smoke) => {
        const places = writtenAboutCase(smoke, name).filter(
          ([, text]) => countCanaryHits(text, [context.key]) > 0,
        );
        const hits = places.reduce((sum, [, text]) => sum + countCanaryHits(text, [context.key]), 0);
        return { smoke, hits, where: places.map(([place]) => place).join(', ') || 'none' };
      });
      const hits = found.reduce((sum, { hits: n }) => sum + n, 0);
      const caseFailed = runs.every(
        ({ run }) => !run.succeeded && read(run.outputs.evidencePath).includes(name),
      );
      return {
        observed: found
          .map(({ smoke, where }) => `${smoke.host}: ${smoke.run.result}, key in ${where}`)
          .join('; '),
        pass: caseFailed && hits === 0,
        canaryHits: hits,
        unexpectedError: runs.some(({ run }) => run.errors.some(isUnexpectedError)),
      };
    },
  };
}

/** Whatever the echo probes did not attribute to a case: the whole of both smoke runs holds no canary. */
const smokeWholeProbe: Probe<Context> = {
  id: 'redaction/key-anywhere-in-smoke-output',
  kind: 'leak',
  title: 'all four echo cases together: everything the smoke runs printed or wrote',
  expected: 'no canary anywhere (log, summary, evidence, JUnit, outputs; both hosts)',
  boundMs: 20_000,
  async run(context) {
    const runs = await smokeRuns(context);
    const hits = runs.reduce(
      (sum, { run, junit }) => sum + countCanaryHits(everythingWritten(run, [junit]), [context.key]),
      0,
    );
    return {
      observed: runs.map(({ host, run }) => `${host}: ${run.result}`).join('; ') + `; ${hits} canary hits`,
      pass: hits === 0,
      canaryHits: hits,
      unexpectedError: runs.some(({ run }) => run.errors.some(isUnexpectedError)),
    };
  },
};

/** The places of a run holding a canary, in a few words (or 'none'). */
function whereFound(run: HostRun, canaries: readonly string[]): string {
  const places: [string, string][] = [
    ['log', run.everythingPrinted],
    ['summary', run.summary],
    ['evidence', read(run.outputs.evidencePath)],
    ['outputs', Object.values(run.outputs).join('\n')],
  ];
  const found = places.filter(([, text]) => countCanaryHits(text, canaries) > 0).map(([place]) => place);
  return found.length ? found.join(', ') : 'none';
}

/** A job whose environment carries the sign-in secret (a script that signs in itself), submitted as a dry run. */
const dryRunProbe: Probe<Context> = {
  id: 'redaction/train-dry-run-escaped-secret',
  kind: 'leak',
  title: 'train dry run of a job whose environment carries the sign-in secret (with " \\ |)',
  expected: 'request printed with the secret redacted; none in log, summary, evidence (both hosts)',
  boundMs: 30_000,
  async run(context) {
    mkdirSync(outDir, { recursive: true });
    const jobFile = join(outDir, 'job-with-secret.yml');
    writeFileSync(
      jobFile,
      [
        'type: command',
        'command: python train.py',
        'environment: azureml:AzureML-pytorch-1.9-ubuntu18.04-py37-cuda11-gpu:6',
        'compute: azureml:gpu-cluster',
        'environment_variables:',
        `  AZURE_CLIENT_SECRET: ${JSON.stringify(context.signInSecret)}`,
        '',
      ].join('\n'),
    );
    const runs = await Promise.all(
      hosts.map(async (host) => ({
        host,
        run: await runOnEmulator(host, context.description, {
          task: 'AzureMLTrainV1',
          action: 'train',
          inputs: { jobFile, dryRun: 'true' },
          timeoutMs: 25_000,
        }),
      })),
    );
    const canaries = [context.signInSecret];
    const hits = runs.reduce((sum, { run }) => sum + countCanaryHits(everythingWritten(run), canaries), 0);
    const printedRequest = runs.every(({ run }) => /Request that would be sent/.test(run.everythingPrinted));
    return {
      observed: runs
        .map(({ host, run }) => `${host}: ${run.result}, secret in ${whereFound(run, canaries)}`)
        .join('; '),
      pass: runs.every(({ run }) => run.succeeded) && printedRequest && hits === 0,
      canaryHits: hits,
      unexpectedError: runs.some(({ run }) => run.errors.some(isUnexpectedError)),
    };
  },
};

export const area = defineArea<Context>({
  name: 'redaction',
  async start() {
    const key = newCanary('key');
    const signInSecret = newCanary('spn');
    const emulator = await startEmulator({ clientSecret: signInSecret });
    addDocsAssets(emulator);
    const { server, scoringUri } = await startHostileServer();
    mkdirSync(outDir, { recursive: true });
    return { key, signInSecret, emulator, description: describeEmulator(emulator), server, scoringUri };
  },
  async stop(context) {
    context.server.closeAllConnections();
    await new Promise<void>((resolve) => context.server.close(() => resolve()));
    await context.emulator.close();
  },
  probes: [
    echoProbe(
      'cut',
      'scoring server quotes the key in a long plain answer, cut at the 200-character quote limit',
    ),
    echoProbe('json', 'scoring server echoes the key JSON-escaped'),
    echoProbe('url', 'scoring server echoes the key URL-encoded'),
    echoProbe('base64', 'scoring server echoes the key base64-encoded'),
    smokeWholeProbe,
    dryRunProbe,
  ],
});
