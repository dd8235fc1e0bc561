import type { Options as SanitizeSchema } from 'rehype-sanitize';

/**
 * What may be left of a message after the markdown pipeline: exactly the elements and
 * attributes the chat's own plugins produce, nothing GitHub's default allows besides (no
 * img, input, div, id or name). The sanitiser runs last, so a mistake in a plugin, or a
 * parser change upstream, cannot let an image, a form control, a handler or a script URL
 * through.
 */
export const chatSchema: SanitizeSchema = {
  tagNames: [
    'a',
    'bdi',
    'blockquote',
    'br',
    'code',
    'del',
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
  ],
  attributes: {
    a: ['href'],
    code: [['className', /^language-[\w+#.-]+$/]],
    ol: ['start'],
    p: [['dir', 'auto']],
    li: [['dir', 'auto']],
    td: [['dir', 'auto'], 'align'],
    th: [['dir', 'auto'], 'align'],
    span: [
      ['dataMention', 'user', 'here', 'channel'],
      ['dataUserId', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
    ],
  },
  protocols: { href: ['http', 'https'] },
  ancestors: {
    tbody: ['table'],
    td: ['table'],
    th: ['table'],
    thead: ['table'],
    tr: ['table'],
  },
  // Removed with their content rather than unwrapped (raw HTML never reaches here as markup).
  strip: ['script', 'style'],
  clobber: [],
  clobberPrefix: '',
};
