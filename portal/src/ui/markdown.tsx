// A small Markdown renderer for repository descriptions and chart readmes. It builds Preact
// elements, never an HTML string: text is always text (raw HTML in the source shows as written),
// links keep only http, https and mailto addresses, and images become links (the page's
// Content-Security-Policy loads no outside images anyway). Supported: headings, paragraphs, emphasis,
// strong, strikethrough, inline code, fenced and indented code blocks, block quotes, lists
// (one level), rules, links, autolinks and bare http(s) addresses.
import type { ComponentChildren, VNode } from 'preact';

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The address when it is an absolute http, https or mailto URL; undefined for anything else. */
export function safeUrl(raw: string): string | undefined {
  const url = raw.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(url)) return undefined;
  try {
    return SAFE_SCHEMES.has(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

function link(href: string, children: ComponentChildren, key: number): VNode {
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

/** Finds the `]` closing the `[` at `open`, counting nested brackets; -1 when none. */
function closingBracket(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  return -1;
}

/** Inline Markdown to elements. */
export function inline(s: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let text = '';
  let key = 0;
  const flush = () => {
    if (text) out.push(text);
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const rest = s.slice(i);
    if (c === '\\' && i + 1 < s.length && /[!-/:-@[-`{-~]/.test(s[i + 1])) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(rest)![0];
      const end = s.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        out.push(<code key={key++}>{s.slice(i + run.length, end).trim()}</code>);
        i = end + run.length;
        continue;
      }
    }
    if (c === '[' || (c === '!' && s[i + 1] === '[')) {
      const open = c === '!' ? i + 1 : i;
      const close = closingBracket(s, open);
      const target = close > 0 ? /^\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/.exec(s.slice(close + 1)) : null;
      if (close > 0 && target) {
        flush();
        const label = s.slice(open + 1, close);
        const href = safeUrl(target[1]);
        const content = inline(label);
        out.push(href ? link(href, content, key++) : <span key={key++}>{content}</span>);
        i = close + 1 + target[0].length;
        continue;
      }
    }
    if (c === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(rest);
      if (auto && safeUrl(auto[1])) {
        flush();
        out.push(link(auto[1], auto[1], key++));
        i += auto[0].length;
        continue;
      }
    }
    if ((c === 'h' || c === 'H') && !/\w/.test(s[i - 1] ?? '')) {
      const bare = /^https?:\/\/[^\s<>]+[^\s<>.,;:!?)'"\]]/i.exec(rest);
      if (bare && safeUrl(bare[0])) {
        flush();
        out.push(link(bare[0], bare[0], key++));
        i += bare[0].length;
        continue;
      }
    }
    const delim = /^(\*\*|__|~~|\*|_)/.exec(rest)?.[1];
    if (delim) {
      const intraword = delim[0] === '_' && /\w/.test(s[i - 1] ?? '');
      const end = intraword ? -1 : s.indexOf(delim, i + delim.length);
      const inner = end > 0 ? s.slice(i + delim.length, end) : '';
      if (inner && !/^\s|\s$/.test(inner) && !(delim[0] === '_' && /\w/.test(s[end + delim.length] ?? ''))) {
        flush();
        const children = inline(inner);
        out.push(delim === '~~' ? <del key={key++}>{children}</del> : delim.length === 2 ? <strong key={key++}>{children}</strong> : <em key={key++}>{children}</em>);
        i = end + delim.length;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;
const ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const INDENTED = /^( {4}|\t)/;

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

/** Block Markdown to elements; headings start at h3 (they sit inside a card under its h2). */
export function blocks(source: string): VNode[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: VNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const key = out.length;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      out.push(
        <pre key={key}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    if (INDENTED.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (INDENTED.test(lines[i]) || !lines[i].trim())) body.push(lines[i++].replace(INDENTED, ''));
      out.push(
        <pre key={key}>
          <code>{body.join('\n').replace(/\n+$/, '')}</code>
        </pre>,
      );
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + 2);
      const Tag = `h${level}` as 'h3';
      out.push(<Tag key={key}>{inline(heading[2])}</Tag>);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push(<hr key={key} />);
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(lines[i++].replace(QUOTE, ''));
      out.push(<blockquote key={key}>{blocks(body.join('\n'))}</blockquote>);
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items: string[] = [];
      while (i < lines.length) {
        const m = ITEM.exec(lines[i]);
        if (m && /\d/.test(m[1]) === ordered) {
          items.push(m[2]);
          i++;
        } else if (items.length && lines[i].trim() && /^\s+/.test(lines[i]) && !startsBlock(lines[i].trim())) {
          items[items.length - 1] += ' ' + lines[i++].trim();
        } else break;
      }
      const children = items.map((x, n) => <li key={n}>{inline(x)}</li>);
      const start = ordered ? parseInt(item[1], 10) : 1;
      out.push(ordered ? <ol key={key} start={start === 1 ? undefined : start}>{children}</ol> : <ul key={key}>{children}</ul>);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !startsBlock(lines[i]) && !(para.length === 0 && INDENTED.test(lines[i]))) para.push(lines[i++].trim());
    out.push(<p key={key}>{inline(para.join('\n'))}</p>);
  }
  return out;
}

/** Markdown as elements, in a container styled for prose. */
export function Markdown({ source, testId }: { source: string; testId?: string }) {
  return (
    <div class="markdown" data-testid={testId}>
      {blocks(source)}
    </div>
  );
}
