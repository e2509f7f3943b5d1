/**
 * The part of Azure Pipelines' expression language an Invoke REST API check's success criterion uses, enough to
 * evaluate examples/azure-devops/release-verdict-check.json against the emulator: `eq`, `ne`, `and`, `or`, `not`,
 * string literals ('...' with '' for a quote), numbers, true/false/null, and `root[...]` indexing of the response.
 * As in Azure Pipelines: string comparisons ignore case, a missing property or index is null.
 */
type Value = unknown;

export function evaluateSuccessCriteria(expression: string, root: Value): boolean {
  const parser = new Parser(expression, root);
  const value = parser.expression();
  parser.end();
  return truthy(value);
}

const truthy = (value: Value) =>
  value !== null && value !== undefined && value !== false && value !== 0 && value !== '';

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return (a ?? null) === (b ?? null);
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  eq: ([a, b]) => equal(a, b),
  ne: ([a, b]) => !equal(a, b),
  and: (args) => args.every(truthy),
  or: (args) => args.some(truthy),
  not: ([a]) => !truthy(a),
};

class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly root: Value,
  ) {}

  end(): void {
    this.space();
    if (this.at !== this.text.length) this.fail('unexpected text');
  }

  expression(): Value {
    this.space();
    const name = /^[A-Za-z]+/.exec(this.text.slice(this.at))?.[0];
    if (name === undefined) return this.literal();
    this.at += name.length;
    if (name === 'root') return this.indexes(this.root);
    if (name === 'true' || name === 'false') return name === 'true';
    if (name === 'null') return null;
    const fn = FUNCTIONS[name.toLowerCase()];
    if (!fn) this.fail(`unknown function '${name}'`);
    this.expect('(');
    const args: Value[] = [this.expression()];
    while (this.peek() === ',') {
      this.at += 1;
      args.push(this.expression());
    }
    this.expect(')');
    return fn!(args);
  }

  private indexes(value: Value): Value {
    let current = value;
    while (this.peek() === '[') {
      this.at += 1;
      const key = this.expression();
      this.expect(']');
      const container = current as Record<string, Value> | Value[] | null | undefined;
      current =
        container !== null && typeof container === 'object' && Object.hasOwn(container, String(key))
          ? (container as Record<string, Value>)[String(key)]
          : null;
    }
    return current;
  }

  private literal(): Value {
    this.space();
    if (this.text[this.at] === "'") {
      let out = '';
      for (this.at += 1; this.at < this.text.length; this.at += 1) {
        if (this.text[this.at] !== "'") {
          out += this.text[this.at];
        } else if (this.text[this.at + 1] === "'") {
          out += "'";
          this.at += 1;
        } else {
          this.at += 1;
          return out;
        }
      }
      this.fail('unterminated string');
    }
    const number = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.at))?.[0];
    if (number === undefined) this.fail('expected a value');
    this.at += number!.length;
    return Number(number);
  }

  private peek(): string | undefined {
    this.space();
    return this.text[this.at];
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.at += 1;
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  private fail(why: string): never {
    throw new Error(`Success criterion: ${why} at ${this.at} in ${this.text}`);
  }
}
