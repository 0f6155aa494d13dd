// Builds the dashboard as one HTML file: main.ts bundled for the browser with esbuild, and the
// stylesheet, inlined into index.html. No CDN, no second request: the nodes have no internet,
// and one document is all `GET /ui/` has to answer. Used by scripts/build.mjs (the bundle
// carries the result as a string) and by page.ts when the apiserver runs from source.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function buildPage(dir = import.meta.dirname): Promise<string> {
  const [js, css, html] = await Promise.all([
    build({
      entryPoints: [join(dir, 'main.ts')],
      bundle: true,
      platform: 'browser',
      target: 'es2020',
      format: 'iife',
      minify: true,
      write: false,
      logLevel: 'warning',
    }).then((r) => r.outputFiles[0].text),
    readFile(join(dir, 'style.css'), 'utf8'),
    readFile(join(dir, 'index.html'), 'utf8'),
  ]);
  // A "</script" inside the bundle would end the inline script early.
  const script = js.replace(/<\/script/gi, '<\\/script');
  return html.replace('/*STYLE*/', () => css).replace('/*SCRIPT*/', () => script);
}
