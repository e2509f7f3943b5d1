/** One JUnit test case; `failure` makes it fail, `skipped` marks it not run. */
export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly timeSeconds: number;
  readonly failure?: { readonly message: string; readonly details?: string };
  readonly skipped?: string;
  readonly output?: string;
}

export interface JUnitSuite {
  readonly name: string;
  readonly timestamp: Date;
  readonly timeSeconds: number;
  readonly cases: readonly JUnitCase[];
}

/** Renders one test suite as JUnit XML (the dialect PublishTestResults and the common GitHub test-report actions read). */
export function renderJUnit(suite: JUnitSuite): string {
  const failures = suite.cases.filter((c) => c.failure).length;
  const skipped = suite.cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const counts = `tests="${suite.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(suite.timeSeconds)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suite.name)}" ${counts}>`,
    `  <testsuite name="${escapeXml(suite.name)}" ${counts} timestamp="${suite.timestamp.toISOString().replace(/\.\d+Z$/, '')}">`,
  ];
  for (const testCase of suite.cases) {
    const open = `    <testcase name="${escapeXml(testCase.name)}" classname="${escapeXml(testCase.classname)}" time="${seconds(testCase.timeSeconds)}"`;
    const children: string[] = [];
    if (testCase.failure) {
      const details = testCase.failure.details ?? testCase.failure.message;
      children.push(
        `      <failure message="${escapeXml(testCase.failure.message)}" type="AssertionFailure">${escapeXml(details)}</failure>`,
      );
    } else if (testCase.skipped !== undefined) {
      children.push(`      <skipped message="${escapeXml(testCase.skipped)}"/>`);
    }
    if (testCase.output) children.push(`      <system-out>${escapeXml(testCase.output)}</system-out>`);
    lines.push(
      children.length === 0 ? `${open}/>` : `${open}>`,
      ...children,
      ...(children.length === 0 ? [] : ['    </testcase>']),
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 cannot carry at all (most control
 * characters, lone surrogates) become U+FFFD: an answer body can hold anything, and one such byte would make
 * the whole report unreadable to the test publisher.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      // XML 1.0 forbids these characters even escaped; lone surrogates are not characters at all.
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .replace(/[&<>"'\r\n\t]/g, (char) => ESCAPES[char]!);
}

// Newlines and tabs as character references, so attribute values keep them (parsers normalise literal ones to spaces).
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

function seconds(value: number): string {
  return Math.max(0, value).toFixed(3);
}
