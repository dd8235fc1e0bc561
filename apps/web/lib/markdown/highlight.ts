import type { Root } from 'hast';
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createLowlight } from 'lowlight';
import { Fragment, type ReactNode } from 'react';
import { jsx, jsxs } from 'react/jsx-runtime';

/*
 * Syntax highlighting for fenced code blocks. This module is loaded on demand (the code block
 * imports it when one is on screen), so the chat's first load carries none of it; and only a
 * dozen common languages are registered (each grammar also answers to its aliases: js, ts,
 * sh, html, py, yml…), not highlight.js's 190.
 */
const lowlight = createLowlight({ bash, css, diff, go, java, javascript, json, python, sql, typescript, xml, yaml });

/** The highlighted tree (spans with `hljs-*` classes around the text), or null for a language not registered here. */
export function highlightTree(code: string, language: string): Root | null {
  const name = language.toLowerCase();
  if (!lowlight.registered(name)) return null;
  return lowlight.highlight(name, code);
}

/**
 * As React elements. lowlight builds the tree from the code's text, so it holds only
 * `<span class="hljs-…">` and text nodes: nothing of the message can become markup here.
 */
export function highlightToReact(code: string, language: string): ReactNode | null {
  const tree = highlightTree(code, language);
  return tree ? toJsxRuntime(tree, { Fragment, jsx, jsxs }) : null;
}
