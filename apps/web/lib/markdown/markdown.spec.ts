import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MentionPart } from '@qc/shared';
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ChatMarkdown } from './markdown';

function render(content: string, renderMention?: (part: MentionPart) => ReactNode): string {
  return renderToStaticMarkup(createElement(ChatMarkdown, { content, renderMention }));
}

interface Tag {
  name: string;
  attributes: Record<string, string>;
}

/** Every start tag in React's static markup (which always quotes attribute values and escapes `"` in them). */
function tagsOf(html: string): Tag[] {
  return [...html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: Object.fromEntries([...m[2]!.matchAll(/\s([^\s=>]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? ''])),
  }));
}

const MESSAGE_TAGS = new Set([
  'a',
  'bdi',
  'blockquote',
  'br',
  'button',
  'code',
  'del',
  'div',
  'em',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'span',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
]);

function assertHarmless(html: string, input: string): void {
  const where = `${JSON.stringify(input)} rendered as ${html}`;
  assert.doesNotMatch(html, /<(script|img|iframe|style|svg|math|object|embed|input|form|details|base|link|meta)\b/i, where);
  for (const tag of tagsOf(html)) {
    assert.ok(MESSAGE_TAGS.has(tag.name), `<${tag.name}> in ${where}`);
    for (const [name, value] of Object.entries(tag.attributes)) {
      assert.ok(!name.startsWith('on'), `${name}= in ${where}`);
      assert.notEqual(name, 'style', where);
      assert.notEqual(name, 'src', where);
      if (name === 'href' || name === 'title') assert.match(value, /^https?:\/\//i, `${name}="${value}" in ${where}`);
      assert.doesNotMatch(value, /^\s*(javascript|data|vbscript|file):/i, `${name}="${value}" in ${where}`);
    }
  }
}

describe('ChatMarkdown: an XSS corpus', () => {
  const corpus = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;avascript&#58;alert(1))',
    '[x]( javascript:alert(1) )',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](vbscript:msgbox(1))',
    '[x](file:///etc/passwd)',
    '<a href="javascript:alert(1)">x</a>',
    '**<img src=x onerror=alert(1)>**',
    '_<svg onload=alert(1)>_ and ~~<script>alert(1)</script>~~',
    '<iframe src="https://evil.example"></iframe>',
    '<style>body{display:none}</style>',
    '![x](javascript:alert(1))',
    '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
    '![tracker](https://evil.example/pixel.png)',
    '<javascript:alert(1)>',
    '<data:text/html,<script>alert(1)</script>>',
    '[x][ref]\n\n[ref]: javascript:alert(1)',
    '![x][pic]\n\n[pic]: https://evil.example/pixel.png',
    '<div onclick="alert(1)">click</div>',
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    '<details open ontoggle=alert(1)>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '- [x] <img src=x onerror=alert(1)>',
    '> <img src=x onerror=alert(1)>\n> [x](javascript:alert(1))',
    '```html\n<script>alert(1)</script>\n```',
    '`<img src=x onerror=alert(1)>`',
    '<!-- --><script>alert(1)</script>',
    '[<img src=x onerror=alert(1)>](https://ok.example)',
    '[x](https://ok.example)<img src=x onerror=alert(1)>',
    '<@00000000-0000-0000-0000-000000000000" onclick="alert(1)>',
    '# <img src=x onerror=alert(1)>',
    '| a | b |\n| - | - |\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |',
    'x[^1]\n\n[^1]: <script>alert(1)</script>',
  ];
  for (const input of corpus) {
    it(`renders ${JSON.stringify(input)} harmless`, () => assertHarmless(render(input), input));
  }

  it('shows raw HTML as the text that was typed', () => {
    const html = render('<img src=x onerror=alert(1)> and <b>bold?</b>');
    assert.equal(html, '<p dir="auto"><bdi>&lt;img src=x onerror=alert(1)&gt; and &lt;b&gt;bold?&lt;/b&gt;</bdi></p>');
  });

  it('shows a link to any scheme but http(s) as its markdown, not as a link', () => {
    assert.equal(render('[x](javascript:alert(1))'), '<p dir="auto"><bdi>[x](javascript:alert(1))</bdi></p>');
    assert.equal(render('[x](&#106;avascript:alert(1))'), '<p dir="auto"><bdi>[x](&amp;#106;avascript:alert(1))</bdi></p>');
    assert.equal(render('<javascript:alert(1)>'), '<p dir="auto"><bdi>&lt;javascript:alert(1)&gt;</bdi></p>');
    assert.equal(render('write to a@example.com'), '<p dir="auto"><bdi>write to a@example.com</bdi></p>');
  });

  it('never loads an image: an http(s) image is a link to it, any other is text', () => {
    assert.equal(
      render('![a cat](https://example.com/cat.png)'),
      '<p dir="auto"><bdi><a href="https://example.com/cat.png" target="_blank" rel="noopener noreferrer" title="https://example.com/cat.png">a cat</a></bdi></p>',
    );
    assert.equal(render('![](javascript:alert(1))'), '<p dir="auto"><bdi>![](javascript:alert(1))</bdi></p>');
  });
});

describe('ChatMarkdown: formatting', () => {
  it('renders bold, italic, strike and inline code', () => {
    assert.equal(
      render('**bold** _italic_ ~~gone~~ `a <b> c`'),
      '<p dir="auto"><bdi><strong>bold</strong> <em>italic</em> <del>gone</del> <code>a &lt;b&gt; c</code></bdi></p>',
    );
  });

  it('renders a fenced block with its language, a labelled copy button and the code as text', () => {
    const html = render('```js\nconst a = "<b>";\n```');
    assert.match(html, /<button type="button" class="md-code__copy" aria-label="Copy code">Copy<\/button>/);
    assert.match(html, /<span class="md-code__lang">js<\/span>/);
    assert.match(html, /<code class="hljs language-js">const a = &quot;&lt;b&gt;&quot;;<\/code>/);
  });

  it('renders quotes, lists and headings (as bold lines, not h1…h6)', () => {
    assert.equal(render('> quoted'), '<blockquote><p dir="auto"><bdi>quoted</bdi></p></blockquote>');
    assert.equal(render('- one\n- two'), '<ul><li dir="auto"><bdi>one</bdi></li><li dir="auto"><bdi>two</bdi></li></ul>');
    assert.equal(render('3. three\n4. four'), '<ol start="3"><li dir="auto"><bdi>three</bdi></li><li dir="auto"><bdi>four</bdi></li></ol>');
    assert.equal(render('# Title'), '<p dir="auto"><bdi><strong>Title</strong></bdi></p>');
  });

  it('opens http(s) links in a new tab without a handle on this page', () => {
    assert.equal(
      render('[docs](https://example.com/docs)'),
      '<p dir="auto"><bdi><a href="https://example.com/docs" target="_blank" rel="noopener noreferrer" title="https://example.com/docs">docs</a></bdi></p>',
    );
  });

  it('links bare URLs, leaving out the punctuation that ends the sentence', () => {
    const hrefs = (html: string) => tagsOf(html).flatMap((t) => (t.name === 'a' ? [t.attributes.href] : []));
    assert.deepEqual(hrefs(render('see https://example.com/a?b=1. and http://x.org!')), ['https://example.com/a?b=1', 'http://x.org']);
    assert.deepEqual(hrefs(render('(https://en.wikipedia.org/wiki/Foo_(bar))')), ['https://en.wikipedia.org/wiki/Foo_(bar)']);
    assert.deepEqual(hrefs(render('docs at https://example.com/guide?a=1&b=2, thanks')), ['https://example.com/guide?a=1&amp;b=2']);
    assert.deepEqual(hrefs(render('javascript:alert(1) and ftp://x.org')), []);
  });

  it('keeps a message of plain lines as lines, each its own isolate', () => {
    assert.equal(render('first line\n\u202egnp.exe'), '<p dir="auto"><bdi>first line</bdi>\n<bdi>\u202egnp.exe</bdi></p>');
    // A hard break (two trailing spaces) is one line break, not two.
    assert.equal(render('a  \nb'), '<p dir="auto"><bdi>a</bdi>\n<bdi>b</bdi></p>');
    assert.equal(render('one\n\ntwo'), '<p dir="auto"><bdi>one</bdi></p><p dir="auto"><bdi>two</bdi></p>');
  });
});

describe('ChatMarkdown: mentions', () => {
  const id = '0b5f3c2e-8d7a-4c1b-9e6f-1a2b3c4d5e6f';

  it('renders mentions outside code with the default renderer', () => {
    assert.equal(
      render(`hi <@${id}> and @here, **@channel**`),
      '<p dir="auto"><bdi>hi <span class="mention">@unknown</span> and <span class="mention mention--broadcast">@here</span>, ' +
        '<strong><span class="mention mention--broadcast">@channel</span></strong></bdi></p>',
    );
  });

  it('hands every mention to renderMention, and leaves code as typed', () => {
    const seen: MentionPart[] = [];
    const html = render(`<@${id}> \`<@${id}> @here\`\n\`\`\`\n@channel <@${id}>\n\`\`\`\n@channel`, (part) => {
      seen.push(part);
      return createElement('b', { className: 'chip' }, part.kind);
    });
    assert.deepEqual(seen, [
      { kind: 'user', userId: id },
      { kind: 'broadcast', which: 'channel' },
    ]);
    assert.match(html, new RegExp(`<code>&lt;@${id}&gt; @here</code>`));
    assert.match(html, new RegExp(`<code class="hljs">@channel &lt;@${id}&gt;</code>`));
    assert.equal((html.match(/class="chip"/g) ?? []).length, 2);
  });

  it('does not take an address or a word for a mention', () => {
    assert.equal(render('mail me@here.com or x@channel'), '<p dir="auto"><bdi>mail me@here.com or x@channel</bdi></p>');
  });
});
