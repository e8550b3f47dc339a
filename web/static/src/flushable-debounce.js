// The properties panel commits what is typed after a short pause (its `debounceInput` service).
// This replacement behaves the same but remembers the pending commits, so that saving can commit
// them first: a value typed just before "Save draft" is never lost.
const DELAY = 300;
const pending = new Set();

function flushableDebounce(fn) {
  let timer = null;
  let lastArgs = null;
  const run = () => {
    clearTimeout(timer);
    timer = null;
    pending.delete(run);
    fn(...lastArgs);
  };
  const debounced = (...args) => {
    lastArgs = args;
    clearTimeout(timer);
    timer = setTimeout(run, DELAY);
    pending.add(run);
  };
  debounced.flush = () => {
    if (timer !== null) run();
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending.delete(run);
  };
  return debounced;
}

/** Commit every edit still waiting in a debounce. */
export function flushPendingInputs() {
  for (const run of [...pending]) run();
}

export default {
  debounceInput: ["value", flushableDebounce],
};
