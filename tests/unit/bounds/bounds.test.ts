import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseEvents } from 'js-yaml';
import { judgeAnswer } from '../../../shared/src/smoke/assertions';
import { matchWithinTime } from '../../../shared/src/smoke/bounded-regex';
import type { SmokeCase } from '../../../shared/src/smoke/cases-file';
import { ScoringClient } from '../../../shared/src/smoke/http-client';
import { boundText, MAX_MESSAGE_CHARS } from '../../../shared/src/step/bound-text';
import { describeError } from '../../../shared/src/step/describe-error';
import { DataError } from '../../../shared/src/step/errors';
import { parseYaml, readYamlFile } from '../../../shared/src/yaml/load-yaml';
import { refuseAliasExpansion } from '../../../shared/src/yaml/yaml-bounds';
import { scratchFolder } from '../../harness/scratch-folders';

describe('scoring answers are capped', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // Answers `size` bytes in 16 KB chunks, without Content-Length (chunked).
    server = http.createServer((request, response) => {
      const size = Number(new URL(request.url!, 'http://x').searchParams.get('size'));
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(16 * 1024, '1');
        let sent = 0;
        const next = () => {
          while (sent < size) {
            const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
            sent += part.length;
            if (!response.write(part)) return void response.once('drain', next);
          }
          response.end();
        };
        next();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = async (size: number) => {
    const client = new ScoringClient(`${url}/score?size=${size}`, {
      timeoutMs: 5000,
      maxResponse: { bytes: 64 * 1024, input: 'maxResponseMegabytes' },
    });
    try {
      return await client.send('{}');
    } finally {
      client.close();
    }
  };

  it('reads an answer up to the cap whole', async () => {
    const result = await send(64 * 1024);
    expect(result).toMatchObject({ kind: 'answer', status: 200 });
    expect(result.kind === 'answer' && result.body.length).toBe(64 * 1024);
    expect(result.kind === 'answer' && result.oversize).toBeUndefined();
  });

  it('stops reading past the cap, and the case fails naming the cap and its input', async () => {
    const result = await send(50 * 1024 * 1024);
    if (result.kind !== 'answer') throw new Error(`expected an answer, got ${result.message}`);
    expect(result.body).toBe('');
    expect(result.oversize).toMatchObject({ limitBytes: 64 * 1024, input: 'maxResponseMegabytes' });
    expect(result.oversize!.bytesRead).toBeGreaterThan(64 * 1024);
    expect(result.oversize!.bytesRead).toBeLessThan(1024 * 1024);
    const smokeCase = { name: 'big', reject: false, expect: { json: true, rows: false, assertions: [] } };
    const verdict = judgeAnswer(smokeCase as unknown as SmokeCase, result);
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toMatchObject({
      headline: "answer larger than 0.1 MB (raise 'maxResponseMegabytes' if that is expected)",
      expected: 'an answer of at most 0.1 MB',
    });
  });
});

describe('matches: patterns run within a time limit', () => {
  it('tells the first value that does not match, as pattern.test would', () => {
    expect(matchWithinTime(/^a+$/, ['aa', 'a'])).toEqual({ kind: 'all-match' });
    expect(matchWithinTime(/^a+$/, ['aa', 'b', 'c'])).toEqual({ kind: 'mismatch', index: 1 });
    expect(matchWithinTime(/^a+$/, ['a', 7])).toEqual({ kind: 'mismatch', index: 1 });
  });

  it('interrupts a pattern that backtracks catastrophically, naming the value', () => {
    const started = Date.now();
    const outcome = matchWithinTime(/^(a+)+$/, ['aaa', `${'a'.repeat(40)}!`], 100);
    expect(outcome).toEqual({ kind: 'timeout', index: 1, limitMs: 100 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('costs little on the normal path', () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) matchWithinTime(/^\d+$/, ['12345']);
    expect(Number(process.hrtime.bigint() - started) / 1e6 / 200).toBeLessThan(5);
  });
});

describe('long user text in messages is cut', () => {
  it('leaves a message within the bounds unchanged', () => {
    const message = `column "${'x'.repeat(200)}" not found in data.csv\n${'word '.repeat(150)}`;
    expect(boundText(message)).toBe(message);
  });

  it('cuts a long name and a long message, marking each cut with its size', () => {
    const name = boundText(`feature '${'f'.repeat(10 * 1024)}' is not in data.csv`);
    expect(name).toMatch(/^feature 'f{250,300}…\(10,\d{3} characters\) is not in data\.csv$/);
    const line = boundText(`header: ${'a, '.repeat(400_000)} is read twice: rename one`);
    expect(line.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    // Cut in the middle: the start and what to do at the end are kept.
    expect(line).toMatch(
      /^header: a, a, .*…\(1,196,\d{3} characters left out\)….* is read twice: rename one$/s,
    );
    const many = boundText(Array(100).fill('b '.repeat(400)).join('\n'));
    expect(many.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it('is applied to every error the step reports', () => {
    const described = describeError(
      new DataError(`the header names "${'c'.repeat(1024 * 1024)}" twice`),
      false,
    );
    expect(described.message.length).toBeLessThan(400);
    expect(described.message).toContain('…(1,048,578 characters)');
  });
});

describe('YAML files are bounded in size and alias expansion', () => {
  let folder: string;
  beforeAll(() => (folder = scratchFolder('yaml-bounds-')));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('refuses a file over the cap from its size, naming it, its size and the cap', () => {
    const file = path.join(folder, 'big.yml');
    writeFileSync(file, 'type: command\n');
    truncateSync(file, 5 * 1024 * 1024); // sparse: never read
    expect(() => readYamlFile(file)).toThrow(
      `${file} is 5.0 MB, over the 4.0 MB cap on YAML and JSON files: it was not read.`,
    );
  });

  const bomb = [
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    ...'bcdefghi'
      .split('')
      .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
  ].join('\n');

  it('refuses an alias bomb before building it, at the alias that crosses the bound', () => {
    const started = Date.now();
    let error: unknown;
    try {
      parseYaml(bomb, 'bomb.yml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(
      /^bomb\.yml is refused: its aliases expand to more than 100,000 values \(at \*e, line 6\)/,
    );
    expect((error as DataError).location).toEqual({ file: 'bomb.yml', line: 6, column: 8 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('counts the expansion exactly, so documents that reuse anchors within the bound still load', () => {
    const text = 'base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: *b\n';
    const document = parseYaml(text, 'ok.yml');
    expect(document.value).toEqual({
      base: { x: 1, y: [1, 2] },
      one: { x: 1, y: [1, 2] },
      two: { x: 1, y: [1, 2] },
    });
    // 1 root + 3 keys + (mapping, x, 1, y, seq, 1, 2) * 3 = 25 values.
    const where = (offset: number) => ({ file: 'ok.yml', line: offset });
    expect(() => refuseAliasExpansion(text, parseEvents(text, {}), where, 25)).not.toThrow();
    expect(() => refuseAliasExpansion(text, parseEvents(text, {}), where, 24)).toThrow(DataError);
  });
});
