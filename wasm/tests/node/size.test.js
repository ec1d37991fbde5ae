// The weight of what a desktop downloads (wasm/bench/size.mjs): the runtime
// — runtime module and the runtime and worker entries' JavaScript, bundled
// and minified as a desktop's build ships them — must stay within its
// budget (55 KB gzip), and until it does, within the ceiling that keeps
// every saving made so far; the tools entry within its own budget.

import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { RUNTIME_BUDGET, measureSizes, sizeTable } from "../../bench/size.mjs";

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../pkg");

test("the runtime a desktop downloads stays within its ceiling (the budget once met); the tools within theirs", async () => {
  const sizes = await measureSizes(PKG);
  const table = sizeTable(sizes).join("\n");
  console.log(table);
  assert.ok(sizes.ceiling >= RUNTIME_BUDGET);
  assert.ok(sizes.runtime.gzip <= sizes.ceiling, `the runtime grew past ${sizes.ceiling} B gzip:\n${table}`);
  assert.ok(sizes.tools.gzip <= sizes.toolsBudget, `the tools grew past their budget:\n${table}`);
  // The runtime never carries what only tools need.
  assert.ok(sizes.runtimeWasm.raw < sizes.toolsWasm.raw / 2, "the runtime module is the small one");
});
