/**
 * Long work on the main thread in slices: `due()` says when the current slice has run
 * its time, `pause()` lets the event loop run (timers, sockets, other questions) before
 * the next. Loading a large index this way keeps every stall short.
 */

/** Says when a slice has run its time, and lets the event loop run before the next. */
export interface TimeSlicer {
  due(): boolean;
  pause(): Promise<void>;
}

/** Resolves once the event loop has run its pending timers and I/O (a turn of the loop). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** A slicer for one piece of work; `sliceMs` is how long it may hold the thread at a time. */
export function timeSlicer(sliceMs = 8): TimeSlicer {
  let started = performance.now();
  return {
    due: () => performance.now() - started >= sliceMs,
    pause: async () => {
      await nextTurn();
      started = performance.now();
    },
  };
}
