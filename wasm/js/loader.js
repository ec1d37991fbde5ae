// Loading a web build's module once: `init()` of the runtime entry and of
// the tools entry.

/**
 * `init(source)` for a wasm-bindgen web module's default export `initWasm`,
 * and `loaded()`, whether it finished. A failed load (network, bad bytes)
 * can be retried.
 */
export function loader(initWasm) {
  let loaded = false;
  let loading;
  function init(source) {
    loading ??= initWasm(source === undefined ? undefined : { module_or_path: source }).then(
      () => {
        loaded = true;
      },
      (error) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  }
  return { init, loaded: () => loaded };
}
