import { useEffect, useState, type MutableRef } from 'preact/hooks';

/**
 * Loading per row, on demand: a row's extra data (a datasource's chart) is fetched when the row
 * comes near the screen, and at most `MAX_IN_FLIGHT` such requests run at once, so a listing of
 * 200 datasources makes a handful of requests for what is on screen, never 200 at once.
 */

const MAX_IN_FLIGHT = 4;
let inFlight = 0;
const waiting: (() => void)[] = [];

function next(): void {
  while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
    inFlight += 1;
    waiting.shift()!();
  }
}

/** Runs `load` when a slot is free; the answer is `load`'s. */
export function queued<T>(load: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    waiting.push(() => {
      load()
        .then(resolve, reject)
        .finally(() => {
          inFlight -= 1;
          next();
        });
    });
    next();
  });
}

/** True once the element has come within a screen's height of the viewport (and stays true). */
export function useSeen(ref: MutableRef<Element | null>): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          setSeen(true);
          observer.disconnect();
        }
      },
      { rootMargin: '100% 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, seen]);
  return seen;
}
