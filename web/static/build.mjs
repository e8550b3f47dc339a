// Bundles the model editor (bpmn-js, dmn-js, the properties panel and our code) for the browser:
// web/static/dist/model-editor.js and model-editor.css, with the icon fonts as files beside them
// (the Content-Security-Policy allows fonts only from us, not as data: URLs). `npm run build`.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFile } from "node:fs/promises";

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");

// Every `import domify from "domify"` (min-dom re-exports it) gets our CSP-safe wrapper, which
// itself imports the real package as "domify-original".
const cspSafeDomify = {
  name: "csp-safe-domify",
  setup(build) {
    build.onResolve({ filter: /^domify$/ }, (args) =>
      args.pluginData === "original" ? undefined : { path: path.join(here, "src", "csp-safe-domify.js") },
    );
    build.onResolve({ filter: /^domify-original$/ }, (args) =>
      build.resolve("domify", { kind: args.kind, resolveDir: args.resolveDir, pluginData: "original" }),
    );
  },
};

// CodeMirror (in dmn-js's and the properties panel's expression editors) adds its styles in a
// <style> element, which the policy blocks; a constructed stylesheet (document.adoptedStyleSheets)
// is allowed, and style-mod already uses one everywhere but in a document's <head>.
const STYLE_MOD_TEST = "if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {";
const cspSafeStyleMod = {
  name: "csp-safe-style-mod",
  setup(build) {
    build.onLoad({ filter: /[\\/]style-mod[\\/]src[\\/]style-mod\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes(STYLE_MOD_TEST)) throw new Error(`${args.path} changed: update csp-safe-style-mod`);
      return { contents: source.replace(STYLE_MOD_TEST, "if (root.adoptedStyleSheets && win.CSSStyleSheet) {"), loader: "js" };
    });
  },
};

const options = {
  entryPoints: { "model-editor": path.join(here, "src", "model-editor.js") },
  outdir: path.join(here, "dist"),
  bundle: true,
  minify: !watch && !process.env.NRM_NO_MINIFY,
  sourcemap: watch ? "inline" : false,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  assetNames: "[name]-[hash]",
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".json": "json" },
  define: { "process.env.NODE_ENV": watch ? '"development"' : '"production"' },
  plugins: [cspSafeDomify, cspSafeStyleMod],
  logLevel: "info",
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
