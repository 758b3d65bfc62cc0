import { describe, expect, it } from 'vitest';
import { mount } from '../test/harness';
import { Markdown, safeUrl } from './markdown';

async function render(source: string): Promise<HTMLElement> {
  await mount(<Markdown source={source} />);
  return document.querySelector<HTMLElement>('.markdown')!;
}

describe('markdown', () => {
  it('renders headings, emphasis, lists, code and quotes as elements', async () => {
    const md = await render(
      ['# Web app', '', 'Runs **fast** and *small*, ~~not~~ `--help` helps.', '', '- one', '- two', '', '1. first', '2. second', '', '```', 'docker run x', '```', '', '> quoted', '', '---'].join('\n'),
    );
    expect(md.querySelector('h3')?.textContent).toBe('Web app');
    expect(md.querySelector('strong')?.textContent).toBe('fast');
    expect(md.querySelector('em')?.textContent).toBe('small');
    expect(md.querySelector('del')?.textContent).toBe('not');
    expect(md.querySelector('p code')?.textContent).toBe('--help');
    expect([...md.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect([...md.querySelectorAll('ol li')].map((li) => li.textContent)).toEqual(['first', 'second']);
    expect(md.querySelector('pre code')?.textContent).toBe('docker run x');
    expect(md.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(md.querySelector('hr')).not.toBeNull();
  });

  it('never turns HTML in the source into elements', async () => {
    const md = await render('<b>bold?</b> <img src=x onerror=alert(1)> <script>alert(2)</script>\n\n<iframe src="https://evil.example"></iframe>');
    expect(md.querySelector('b, img, script, iframe')).toBeNull();
    expect(md.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(md.textContent).toContain('<script>alert(2)</script>');
  });

  it('links only to http, https and mailto addresses, opened without the page’s reference', async () => {
    const md = await render('[docs](https://example.com/x) [bad](javascript:alert(1)) [data](data:text/html,hi) <https://a.example> see https://b.example/p. [mail](mailto:a@b.c) ![logo](https://img.example/l.png)');
    const links = [...md.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/x', 'https://a.example', 'https://b.example/p', 'mailto:a@b.c', 'https://img.example/l.png']);
    for (const a of links) expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(md.textContent).toContain('bad');
    expect(md.textContent).toContain('data');
    expect(md.querySelector('img')).toBeNull();
  });

  it('keeps snake_case and lone markers as text, and escapes what is escaped', async () => {
    const md = await render('my_var_name and 2 * 3 * 4 and \\*not em\\*');
    expect(md.querySelector('em')).toBeNull();
    expect(md.textContent).toBe('my_var_name and 2 * 3 * 4 and *not em*');
  });

  it('judges addresses by their scheme', () => {
    expect(safeUrl('https://x.example')).toBe('https://x.example');
    expect(safeUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeUrl('//evil.example')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl('vbscript:x')).toBeUndefined();
  });
});
