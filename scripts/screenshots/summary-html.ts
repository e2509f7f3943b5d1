/**
 * A step's job summary (the markdown it appends to `GITHUB_STEP_SUMMARY` or uploads with `task.uploadsummary`) as
 * the hosts show it: headings, paragraphs, lists, tables, `code`, **bold** and links. Enough of markdown for our
 * summaries, so the picture shows what the approver reads, without a markdown dependency for one script.
 */
export function summaryHtml(markdown: string, title: string): string {
  const blocks: string[] = [];
  const lines = markdown.split('\n');
  for (let at = 0; at < lines.length;) {
    const line = lines[at]!;
    if (/^\s*$/.test(line)) {
      at++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
      at++;
      continue;
    }
    const run = (test: (text: string) => boolean) => {
      const taken: string[] = [];
      while (at < lines.length && test(lines[at]!)) taken.push(lines[at++]!);
      return taken;
    };
    if (line.startsWith('|')) blocks.push(table(run((text) => text.startsWith('|'))));
    else if (/^\s*[-*] /.test(line))
      blocks.push(
        `<ul>${run((text) => /^\s*[-*] /.test(text))
          .map((item) => `<li>${inline(item.replace(/^\s*[-*] /, ''))}</li>`)
          .join('')}</ul>`,
      );
    else if (line.startsWith('```')) {
      at++;
      const code = run((text) => !text.startsWith('```'));
      at++;
      blocks.push(`<pre>${escape(code.join('\n'))}</pre>`);
    } else if (line.startsWith('>'))
      blocks.push(
        `<blockquote>${inline(
          run((text) => text.startsWith('>'))
            .map((text) => text.replace(/^>\s?/, ''))
            .join(' '),
        )}</blockquote>`,
      );
    else
      blocks.push(`<p>${inline(run((text) => !/^\s*$|^#|^\||^\s*[-*] |^```|^>/.test(text)).join(' '))}</p>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>${style}</style></head>
<body><div class="frame"><div class="bar">${escape(title)}</div><main>${blocks.join('\n')}</main></div></body></html>`;
}

function table(rows: string[]): string {
  const cells = (row: string) =>
    row
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => inline(cell.trim()));
  const [head, , ...body] = rows;
  return `<table><thead><tr>${cells(head!)
    .map((c) => `<th>${c}</th>`)
    .join('')}</tr></thead><tbody>${body
    .map(
      (row) =>
        `<tr>${cells(row)
          .map((c) => `<td>${c}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const style = `body{margin:0;background:#f6f8fa;font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328}
.frame{margin:24px;background:#fff;border:1px solid #d0d7de;border-radius:6px}
.bar{padding:12px 16px;border-bottom:1px solid #d0d7de;font-weight:600;background:#f6f8fa}
main{padding:8px 24px 16px}h1,h2,h3{border-bottom:1px solid #d8dee4;padding-bottom:.3em}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:6px 13px}th{background:#f6f8fa}
code{background:#eff1f3;border-radius:4px;padding:.1em .4em;font-size:85%}pre{background:#f6f8fa;padding:12px}
blockquote{margin:0;padding:0 1em;color:#59636e;border-left:.25em solid #d0d7de}`;
