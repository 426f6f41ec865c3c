/**
 * Bundles the browser app (DevStack/demo/client) with esbuild into out/demo/app.js. React and ReactDOM
 * are not bundled: the page loads React 16.14 UMD from node_modules as the platform does, so the
 * host and the virtual PCF control share one React instance (hooks break with two copies).
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** `import … from 'react'` → the page's `window.React` (and the same for react-dom). */
const platformGlobals: Plugin = {
  name: 'platform-globals',
  setup(esbuild) {
    const globals: Record<string, string> = { react: 'React', 'react-dom': 'ReactDOM' };
    esbuild.onResolve({ filter: /^react(-dom)?$/ }, (args) => ({
      path: args.path,
      namespace: 'platform-global',
    }));
    esbuild.onLoad({ filter: /.*/, namespace: 'platform-global' }, (args) => ({
      contents: `module.exports = window[${JSON.stringify(globals[args.path])}];`,
      loader: 'js',
    }));
  },
};

export async function bundleDemoClient(outDir = path.join(REPO_ROOT, 'out/demo')): Promise<string> {
  const outfile = path.join(outDir, 'app.js');
  await build({
    entryPoints: [path.join(__dirname, 'client/main.tsx')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'transform',
    sourcemap: true,
    minify: false,
    logLevel: 'warning',
    plugins: [platformGlobals],
  });
  return outfile;
}
