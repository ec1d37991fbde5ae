// webpack 5 as a desktop team runs it: production mode and nothing set for
// the package — webpack follows wasm-bindgen's
// `new URL("….wasm", import.meta.url)` and the worker's
// `new Worker(new URL(…, import.meta.url))` by itself. The page is the
// one file webpack does not write without a plugin; this one emits it.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const VITE_SCRIPT = '<script type="module" src="./src/main.js"></script>';

class EmitPage {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap("EmitPage", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "EmitPage", stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        // Vite's page, with webpack's bundle: a classic script, deferred.
        const vitePage = readFileSync(path.join(here, "index.html"), "utf8");
        const page = vitePage.replace(VITE_SCRIPT, '<script defer src="./main.js"></script>');
        if (page === vitePage) throw new Error(`index.html no longer has ${VITE_SCRIPT}: update webpack.config.js`);
        compilation.emitAsset("index.html", new sources.RawSource(page));
      });
    });
  }
}

export default {
  mode: "production",
  entry: "./src/main.js",
  output: { path: path.join(here, "dist-webpack"), clean: true },
  plugins: [new EmitPage()],
};
