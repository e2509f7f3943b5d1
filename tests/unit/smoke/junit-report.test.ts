import { escapeXml, renderJUnit } from '../../../shared/src/smoke/junit';
import { escapeCell, formatMs, renderSummary } from '../../../shared/src/smoke/report';

describe('escapeXml', () => {
  it.each([
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<tag attr="x">', '&lt;tag attr=&quot;x&quot;&gt;'],
    ["it's", 'it&apos;s'],
    ['line\nbreak\r\ttab', 'line&#10;break&#13;&#9;tab'],
    ['bell\u0007 nul\u0000 esc\u001b', 'bell\uFFFD nul\uFFFD esc\uFFFD'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['lone \uDC00 low', 'lone \uFFFD low'],
    ['emoji 🌧️ stays', 'emoji 🌧️ stays'],
    ['\uFFFE\uFFFF', '\uFFFD\uFFFD'],
    [']]> in text', ']]&gt; in text'],
  ])('%j', (text, escaped) => {
    expect(escapeXml(text)).toBe(escaped);
  });
});

describe('renderJUnit', () => {
  const xml = renderJUnit({
    name: 'Azure ML smoke test',
    timestamp: new Date('2026-11-02T10:20:30.456Z'),
    timeSeconds: 1.23456,
    cases: [
      { name: 'two-rows', classname: 'smoke-test', timeSeconds: 0.0123 },
      {
        name: 'rain "row"',
        classname: 'smoke-test',
        timeSeconds: 0.5,
        failure: { message: 'expected $[0] equal to 1, got <0>', details: 'line 1\nline 2 & more' },
      },
      { name: 'latency', classname: 'smoke-test', timeSeconds: 0, skipped: 'the cases did not pass' },
      { name: 'noted', classname: 'smoke-test', timeSeconds: 0, output: 'note: decoded' },
    ],
  });

  it('counts tests, failures and skips on the suite', () => {
    expect(xml).toContain(
      '<testsuite name="Azure ML smoke test" tests="4" failures="1" errors="0" skipped="1" time="1.235" timestamp="2026-11-02T10:20:30">',
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
  });

  it('writes one testcase per entry with escaped names, messages and details', () => {
    expect(xml).toContain('<testcase name="two-rows" classname="smoke-test" time="0.012"/>');
    expect(xml).toContain(
      '<testcase name="rain &quot;row&quot;" classname="smoke-test" time="0.500">\n      <failure message="expected $[0] equal to 1, got &lt;0&gt;" type="AssertionFailure">line 1&#10;line 2 &amp; more</failure>\n    </testcase>',
    );
    expect(xml).toContain('<skipped message="the cases did not pass"/>');
    expect(xml).toContain('<system-out>note: decoded</system-out>');
  });

  it('is balanced', () => {
    const opened = (xml.match(/<testcase [^>]*[^/]>/g) ?? []).length;
    const closed = (xml.match(/<\/testcase>/g) ?? []).length;
    expect(opened).toBe(closed);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('escapeCell', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a | b', 'a \\| b'],
    ['line 1\nline 2\r\nline 3', 'line 1<br>line 2<br>line 3'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['$[*] one of [0,1]', '$\\[\\*\\] one of \\[0,1\\]'],
    ['snake_case and `code` and ~strike~ and \\', 'snake\\_case and \\`code\\` and \\~strike\\~ and \\\\'],
    ['a & b', 'a &amp; b'],
  ])('%j', (text, escaped) => {
    expect(escapeCell(text)).toBe(escaped);
  });
});

describe('renderSummary', () => {
  it('renders the endpoint, a row per case and the latency line', () => {
    const markdown = renderSummary({
      scoringUri: 'https://weather.westeurope.inference.ml.azure.com/score',
      deploymentName: 'green',
      readiness: { attempts: 3, waitedMs: 1234 },
      rows: [
        { name: 'two-rows', result: 'passed', status: '200', latencyMs: 12.345, reason: '' },
        {
          name: 'rain-row',
          result: 'failed',
          status: '500',
          latencyMs: 3.2,
          reason: 'expected status 200, got 500; answer: {"error":"a|b\nc"}',
        },
        { name: 'latency', result: 'skipped', reason: 'the cases did not pass' },
      ],
      latency: { skipped: 'the cases did not pass' },
    });
    expect(markdown.split('\n')).toEqual([
      '**Endpoint** `https://weather.westeurope.inference.ml.azure.com/score` · deployment `green` · ready after 3 attempts (1.2 s)',
      '',
      '| Case | Result | Status | Latency | Reason |',
      '|---|---|---|---|---|',
      '| two-rows | ✅ passed | 200 | 12.3 ms |  |',
      '| rain-row | ❌ failed | 500 | 3.20 ms | expected status 200, got 500; answer: {"error":"a\\|b<br>c"} |',
      '| latency | ⏭️ skipped |  |  | the cases did not pass |',
      '',
      '**Latency** not measured: the cases did not pass',
      '',
    ]);
  });

  it('renders measured latency with the p95 bound', () => {
    const markdown = renderSummary({
      scoringUri: 'http://127.0.0.1:1/score',
      rows: [],
      latency: {
        requests: 20,
        concurrency: 4,
        errors: 1,
        outcomes: {},
        p50Ms: 8.5,
        p95Ms: 150.25,
        p99Ms: 1234.5,
        requestsPerSecond: 321.04,
        wallMs: 62,
      },
      maxP95Ms: 100,
    });
    expect(markdown).toContain(
      '**Latency** (20 requests, concurrency 4): p50 8.50 ms · p95 150 ms (max 100 ms) · p99 1235 ms · 321.0 req/s · 1 error',
    );
  });

  it.each([
    [0.1234, '0.12 ms'],
    [9.999, '10.00 ms'],
    [45.67, '45.7 ms'],
    [999.6, '1000 ms'],
  ])('formats %p ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});
