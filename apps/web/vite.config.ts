import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { createServer, defineConfig, type AliasOptions, type Plugin } from 'vite';
import type { OutputBundle, OutputChunk } from 'rollup';
import { THEME_BOOT_SCRIPT } from './lib/theme';
import { NOT_FOUND_PAGE, PAGES, type PageEntry } from './app/route-table';

/*
 * The web app is a static bundle: the NestJS api serves `out/` at the same origin, so every
 * REST and Socket.IO call is a relative URL and there is no Node server of our own in
 * production. React's API is provided by Preact (preact/compat): the same components, a
 * tenth of the runtime to download, parse and run before the first message shows on a phone.
 * During `vite` (port 3001) the same relative URLs are proxied to the api.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const apiOrigin = process.env.QC_API_ORIGIN ?? 'http://127.0.0.1:3000';
// The protocol package from its source: ES modules the bundler can tree-shake (its dist is CommonJS for node).
const aliases: AliasOptions = { '@': here, '@qc/shared': path.join(here, '../../packages/shared/src/index.ts') };

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The JS chunks a chunk needs before it can run, itself first. */
function staticClosure(bundle: OutputBundle, chunk: OutputChunk, seen = new Set<string>()): string[] {
  if (seen.has(chunk.fileName)) return [];
  seen.add(chunk.fileName);
  const files = [chunk.fileName];
  for (const name of chunk.imports) {
    const dep = bundle[name];
    if (dep?.type === 'chunk') files.push(...staticClosure(bundle, dep, seen));
  }
  return files;
}

/**
 * The pages marked `prerendered` in app/route-table.ts, drawn to HTML by app/prerender.tsx in
 * node through Vite's own module loader (so the same aliases apply: Preact for React, the
 * shared package from source). Every dependency is bundled for it (`noExternal`): one left to
 * node would import React itself.
 */
async function prerenderPages(pages: readonly PageEntry[]): Promise<Map<PageEntry, string>> {
  if (pages.length === 0) return new Map();
  const server = await createServer({
    configFile: false,
    root: here,
    logLevel: 'error',
    appType: 'custom',
    plugins: [preact({ prefreshEnabled: false })],
    resolve: { alias: aliases },
    ssr: { noExternal: true },
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { middlewareMode: true, hmr: false, ws: false },
  });
  try {
    const { prerender } = (await server.ssrLoadModule('/app/prerender.tsx')) as { prerender(path: string): string };
    return new Map(pages.map((page) => [page, prerender(page.path)]));
  } finally {
    await server.close();
  }
}

/**
 * One HTML file per page (`login.html`, `chat.html`, … and `404.html`): the entry's HTML with
 * the page's title and a modulepreload for each chunk of the page's module, so a visitor's
 * browser asks for the page's code together with the entry's instead of one round trip
 * after it. The api serves `/chat` from `chat.html`.
 */
function pagesHtml(): Plugin {
  return {
    name: 'qc-pages-html',
    apply: 'build',
    async writeBundle(options, bundle) {
      const outDir = options.dir!;
      const drawn = await prerenderPages([...PAGES, NOT_FOUND_PAGE].filter((p) => p.prerendered));
      const entryHtml = readFileSync(path.join(outDir, 'index.html'), 'utf8');
      const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
      const entry = chunks.find((c) => c.isEntry);
      if (!entry) throw new Error('vite build wrote no entry chunk');
      const entryFiles = new Set(staticClosure(bundle, entry));
      const write = (page: PageEntry, file: string) => {
        const source = path.join(here, page.source);
        const chunk = chunks.find((c) => c.facadeModuleId === source) ?? chunks.find((c) => c.moduleIds.includes(source));
        if (!chunk) throw new Error(`vite build wrote no chunk for ${page.source}`);
        const preloads = staticClosure(bundle, chunk)
          .filter((f) => !entryFiles.has(f))
          .map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`)
          .join('');
        let html = entryHtml
          .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(page.title)}</title>`)
          .replace('</head>', `${preloads}</head>`);
        const body = drawn.get(page);
        // The page in place of the splash; the marker tells app/main.tsx to hydrate, not redraw.
        if (body !== undefined) {
          html = html
            .replace(/\s*<!--page-->[\s\S]*<!--\/page-->\s*/, () => body)
            .replace('<div id="app">', '<div id="app" data-prerendered>');
        }
        writeFileSync(path.join(outDir, file), html);
      };
      for (const page of PAGES) write(page, page.path === '/' ? 'index.html' : `${page.path.slice(1)}.html`);
      write(NOT_FOUND_PAGE, '404.html');
    },
  };
}

/** The colour scheme is set on <html> before the first paint (see lib/theme.ts). */
function themeBootScript(): Plugin {
  return {
    name: 'qc-theme-boot',
    transformIndexHtml: (html) => html.replace('<!--theme-boot-->', `<script>${THEME_BOOT_SCRIPT}</script>`),
  };
}

export default defineConfig({
  root: here,
  plugins: [preact({ prefreshEnabled: false }), themeBootScript(), pagesHtml()],
  resolve: { alias: aliases },
  build: {
    outDir: 'out',
    emptyOutDir: true,
    target: 'es2022',
    // Each page's chunks are named in its HTML; Vite's own preload helper is enough for the rest.
    modulePreload: { polyfill: false },
  },
  server: {
    port: 3001,
    proxy: {
      '/api': apiOrigin,
      '/socket.io': { target: apiOrigin, ws: true },
    },
  },
});
