export interface ScheduleOptions {
  /** Between successful syncs of one peer. Default 15 minutes. */
  intervalMs?: number;
  /** First retry after a failure; doubles per consecutive failure up to intervalMs. Default 30 s. */
  retryBaseMs?: number;
  /** ± fraction of random jitter so that nodes and peers do not sync in lock-step. Default 0.1. */
  jitter?: number;
  random?: () => number;
}

/** When to try a key again: the interval after a success, exponential backoff after failures, jittered. */
export function nextDelay(consecutiveFailures: number, options: ScheduleOptions = {}): number {
  const interval = options.intervalMs ?? 15 * 60_000;
  const base = options.retryBaseMs ?? 30_000;
  const jitter = options.jitter ?? 0.1;
  const random = options.random ?? Math.random;
  const delay = consecutiveFailures === 0 ? interval : Math.min(interval, base * 2 ** Math.min(consecutiveFailures - 1, 30));
  return Math.round(delay * (1 - jitter + 2 * jitter * random()));
}

/**
 * Runs one task per key (a peer region, a hub) on its own timer: periodic with jitter, exponential
 * backoff while failing. Keys are re-discovered every interval, so new peers are picked up; timers are
 * unref()ed so they never keep a process alive.
 */
export class SyncScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  readonly #keys: () => Promise<string[]>;
  readonly #run: (key: string) => Promise<boolean>;
  readonly #options: ScheduleOptions;
  readonly #onError: (error: unknown) => void;
  #discovery: NodeJS.Timeout | undefined;
  #running = false;

  constructor(keys: () => Promise<string[]>, run: (key: string) => Promise<boolean>, options: ScheduleOptions & { onError?: (error: unknown) => void } = {}) {
    this.#keys = keys;
    this.#run = run;
    this.#options = options;
    this.#onError = options.onError ?? (() => undefined);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.discover();
    this.#discovery = setInterval(() => void this.discover(), this.#options.intervalMs ?? 15 * 60_000);
    this.#discovery.unref();
  }

  async discover(): Promise<void> {
    if (!this.#running) return;
    try {
      const keys = new Set(await this.#keys());
      for (const key of keys) if (!this.#timers.has(key)) this.#schedule(key, Math.round((this.#options.random ?? Math.random)() * 5_000));
      for (const key of [...this.#timers.keys()]) if (!keys.has(key)) this.#cancel(key);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Sync a key soon (e.g. a peer was just pinned). */
  trigger(key: string): void {
    if (this.#running) this.#schedule(key, 0);
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#discovery);
    for (const key of [...this.#timers.keys()]) this.#cancel(key);
  }

  #cancel(key: string): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.#failures.delete(key);
  }

  #schedule(key: string, delay: number): void {
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(async () => {
      let ok = false;
      try {
        ok = await this.#run(key);
      } catch (error) {
        this.#onError(error);
      }
      if (!this.#running || this.#timers.get(key) !== timer) return;
      const failures = ok ? 0 : (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.#schedule(key, nextDelay(failures, this.#options));
    }, delay);
    timer.unref();
    this.#timers.set(key, timer);
  }
}
