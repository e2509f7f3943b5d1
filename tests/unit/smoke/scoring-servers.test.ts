import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startScoringServer, type ScoringServer } from '../../servers/scoring-servers';

const body = (rows: number[][]) =>
  JSON.stringify({
    input_data: { columns: ['Temperature_C', 'Humidity'], index: rows.map((_r, i) => i), data: rows },
  });

async function post(url: string, text: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    body: text,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
  return { status: response.status, body: await response.text() };
}

describe('test scoring servers', () => {
  const started: ScoringServer[] = [];
  const start = async (...args: Parameters<typeof startScoringServer>) => {
    const server = await startScoringServer(...args);
    started.push(server);
    return server;
  };
  afterEach(() => Promise.all(started.splice(0).map((s) => s.close())));

  it('follows the inference-server contract: liveness, key auth, routes, deployment header', async () => {
    const server = await start('correct', { key: 'k-123' });
    expect(await (await fetch(`${server.url}/`)).text()).toBe('Healthy');
    expect(
      await post(
        server.scoringUri,
        body([
          [20, 85],
          [20, 80],
        ]),
        { Authorization: 'Bearer k-123', 'azureml-model-deployment': 'blue' },
      ),
    ).toEqual({ status: 200, body: '[1,0]' });
    expect((await post(server.scoringUri, body([[1, 1]]))).status).toBe(401);
    expect((await post(server.scoringUri, body([[1, 1]]), { Authorization: 'Bearer nope' })).status).toBe(
      401,
    );
    expect((await post(`${server.url}/other`, '{}')).status).toBe(404);
    expect((await fetch(server.scoringUri)).status).toBe(405);
    expect(server.requests).toBe(3);
    expect(server.deployments).toEqual(['blue', undefined, undefined]);
  });

  it.each([
    [
      'correct',
      body([
        [10, 90],
        [10, 10],
      ]),
      200,
      '[1,0]',
    ],
    ['correct', '{"input_data": [{"Humidity": 99}, {"Humidity": 5}]}', 200, '[1,0]'],
    ['correct', '{"nope', 400, /^\{"error":"malformed JSON/],
    ['correct', '{"rows": []}', 400, /expected/],
    ['wrong', body([[10, 90]]), 200, '[7]'],
    [
      'constant',
      body([
        [10, 90],
        [10, 95],
      ]),
      200,
      '[0,0]',
    ],
    ['errors', body([[10, 90]]), 500, '{"error":"model failed: ValueError in run()"}'],
  ] as const)('%s answers %s with %i', async (behaviour, request, status, answer) => {
    const server = await start(behaviour);
    const result = await post(server.scoringUri, request);
    expect(result.status).toBe(status);
    if (typeof answer === 'string') expect(result.body).toBe(answer);
    else expect(result.body).toMatch(answer);
  });

  it('shapes answers on request', async () => {
    const predictions = await start('correct', { answerShape: 'predictions' });
    expect((await post(predictions.scoringUri, body([[1, 99]]))).body).toBe('{"predictions":[1]}');
    const doubled = await start('correct', { answerShape: 'json-string' });
    expect((await post(doubled.scoringUri, body([[1, 99]]))).body).toBe('"[1]"');
  });

  it('dies after a bad payload', async () => {
    const server = await start('dies-after-bad-payload');
    expect((await post(server.scoringUri, body([[1, 99]]))).status).toBe(200);
    expect((await post(server.scoringUri, '{"nope')).status).toBe(500);
    await expect(post(server.scoringUri, body([[1, 99]]))).rejects.toThrow();
  });

  it('delays answers when slow', async () => {
    const server = await start('slow', { delayMs: 100 });
    const before = performance.now();
    expect((await post(server.scoringUri, body([[1, 99]]))).body).toBe('[1]');
    expect(performance.now() - before).toBeGreaterThanOrEqual(95);
  });

  it('refuses connections, then answers 503, then serves, on a URL known up front', async () => {
    // Long windows, and each phase awaited rather than slept through: a loaded machine cannot skip a phase.
    const server = await start('ready-late', { refuseMs: 300, unavailableMs: 600 });
    const request = () =>
      post(server.scoringUri, body([[1, 99]])).then(
        (r) => r.status,
        () => 'refused',
      );
    expect(server.phase).toBe('refusing');
    expect(await request()).toBe('refused');
    await server.reached('unavailable');
    expect(await request()).toBe(503);
    await server.reached('serving');
    expect(await request()).toBe(200);
    expect(server.requests).toBe(2);
  });

  it('stops refusing when told to, whatever its refusing time', async () => {
    const server = await start('ready-late', { refuseMs: 60_000, unavailableMs: 60_000 });
    server.stopRefusing();
    await server.reached('unavailable');
    expect((await post(server.scoringUri, body([[1, 99]]))).status).toBe(503);
    expect(server.phase).toBe('unavailable');
  });

  it('starts from the command line and prints its URL as one JSON line', async () => {
    const root = path.resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/servers/start-scoring-server.ts',
        '--behaviour',
        'constant',
        '--key',
        'cli-key',
      ],
      { cwd: root },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const printed = JSON.parse(line) as { url: string; scoringUri: string; behaviour: string; pid: number };
      expect(printed).toMatchObject({ behaviour: 'constant', pid: child.pid });
      expect(printed.scoringUri).toBe(`${printed.url}/score`);
      expect(await post(printed.scoringUri, body([[1, 99]]), { Authorization: 'Bearer cli-key' })).toEqual({
        status: 200,
        body: '[0]',
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
