/**
 * Where JSON text stops being valid. Node's JSON.parse does not always say (Node 20 often reports only the token),
 * and users need the line and column of a broken request file.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.space();
    return scanner.at < text.length ? scanner.at : undefined;
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
}

/** A JSON recognizer that builds nothing: it throws the offset (a number) where the text stops being JSON. */
class JsonScanner {
  at = 0;

  constructor(private readonly text: string) {}

  value(): void {
    this.space();
    const char = this.text[this.at];
    if (char === '{') this.object();
    else if (char === '[') this.array();
    else if (char === '"') this.string();
    else if (char === 't') this.literal('true');
    else if (char === 'f') this.literal('false');
    else if (char === 'n') this.literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.number();
    else this.fail();
  }

  space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  private object(): void {
    const text = this.text;
    this.at++;
    this.space();
    if (text[this.at] === '}') return void this.at++;
    for (;;) {
      this.space();
      if (text[this.at] !== '"') this.fail();
      this.string();
      this.space();
      if (text[this.at] !== ':') this.fail();
      this.at++;
      this.value();
      this.space();
      if (text[this.at] === ',') this.at++;
      else if (text[this.at] === '}') return void this.at++;
      else this.fail();
    }
  }

  private array(): void {
    const text = this.text;
    this.at++;
    this.space();
    if (text[this.at] === ']') return void this.at++;
    for (;;) {
      this.value();
      this.space();
      if (text[this.at] === ',') this.at++;
      else if (text[this.at] === ']') return void this.at++;
      else this.fail();
    }
  }

  private string(): void {
    const text = this.text;
    this.at++;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code === 0x22) {
        this.at++;
        return;
      }
      if (code < 0x20) this.fail();
      if (code === 0x5c) this.escape();
      this.at++;
    }
    this.fail();
  }

  /** The escape after a backslash (at the backslash on entry, at its last character on return). */
  private escape(): void {
    const text = this.text;
    this.at++;
    const escape = text[this.at];
    if (escape === 'u') {
      for (let i = 1; i <= 4; i++) {
        if (!/[0-9a-fA-F]/.test(text[this.at + i] ?? '')) {
          this.at += i;
          this.fail();
        }
      }
      this.at += 4;
    } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail();
  }

  private number(): void {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.at;
    const found = match.exec(this.text);
    if (!found || found[0] === '-') this.fail();
    this.at += found![0].length;
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.at)) this.at += word.length;
    else this.fail();
  }

  private fail(): never {
    throw this.at;
  }
}
