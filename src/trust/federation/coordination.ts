import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';

/** The channel nodes of one region use to tell each other that trust changed (LISTEN/NOTIFY). */
export const TRUST_CHANNEL = 'tongban_trust';
const LOCK_NAMESPACE = 0x7b0a_0003;

export interface TrustChange {
  schema: string;
  kind: 'local' | 'peer' | 'hub';
  region: string;
}

/**
 * Tells every node sharing the database that trust changed. Runs inside the transaction of the change:
 * PostgreSQL delivers NOTIFY at commit, so listeners never reload before the change is visible.
 * On PGlite (one process) there is no listener and this is harmless.
 */
export async function notifyTrustChange(trx: Knex.Transaction, kind: TrustChange['kind'], region: string): Promise<void> {
  await trx.raw(`select pg_notify(?, json_build_object('schema', current_schema(), 'kind', ?::text, 'region', ?::text)::text)`, [TRUST_CHANNEL, kind, region]);
}

/**
 * Lets only one node of a region sync a given peer at a time, and tells the others when to reload.
 */
export interface SyncCoordinator {
  /** Runs `task` holding the lock `key`; `wait` false gives up at once when another holds it. */
  withLock<T>(key: string, wait: boolean, task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Registers for changes made by other nodes; `resync` fires after a reconnect (notifications may be lost). */
  subscribe(onChange: (change: TrustChange) => void, onResync: () => void): void;
  close(): Promise<void>;
}

/** In-process mutual exclusion, keyed. */
class KeyedMutex {
  readonly #held = new Map<string, Promise<void>>();

  async acquire(key: string, wait: boolean): Promise<(() => void) | null> {
    for (;;) {
      const current = this.#held.get(key);
      if (!current) break;
      if (!wait) return null;
      await current;
    }
    let release!: () => void;
    this.#held.set(key, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.#held.delete(key);
      release();
    };
  }
}

/** One process owns the database (PGlite): an in-process lock is all it takes. */
export class LocalCoordinator implements SyncCoordinator {
  readonly #mutex = new KeyedMutex();

  async withLock<T>(key: string, wait: boolean, task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const release = await this.#mutex.acquire(key, wait);
    if (!release) return { ran: false };
    try {
      return { ran: true, value: await task() };
    } finally {
      release();
    }
  }

  subscribe(): void {}

  async close(): Promise<void> {}
}

function lockId(key: string): number {
  return createHash('sha256').update(key).digest().readInt32BE(0);
}

/**
 * Several nodes on one PostgreSQL: session advisory locks (pg_try_advisory_lock) on a dedicated
 * connection that also LISTENs. The connection is re-opened after a failure, and subscribers are told
 * to resync, since notifications sent meanwhile are lost.
 */
export class PgCoordinator implements SyncCoordinator {
  readonly #url: string;
  readonly #schema: string;
  readonly #mutex = new KeyedMutex();
  readonly #onError: (error: unknown) => void;
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  /** Notifications may have been missed since the connection was lost: subscribers reload on the next connect. */
  #resyncPending = false;
  readonly #reconnectDelayMs: number;
  readonly #maxReconnectDelayMs: number;
  readonly #subscribers: { onChange: (change: TrustChange) => void; onResync: () => void }[] = [];

  constructor(options: { databaseUrl: string; schema: string; onError?: (error: unknown) => void; reconnectDelayMs?: number; maxReconnectDelayMs?: number }) {
    this.#url = options.databaseUrl;
    this.#schema = options.schema;
    this.#onError = options.onError ?? (() => undefined);
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 2_000;
    this.#maxReconnectDelayMs = options.maxReconnectDelayMs ?? 60_000;
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    this.#connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.#url, application_name: `tongban-trust ${this.#schema}`.slice(0, 63) });
      client.on('error', (error) => this.#lost(client, error));
      client.on('end', () => this.#lost(client, new Error('connection ended')));
      client.on('notification', (message) => this.#notified(message.payload));
      try {
        await client.connect();
        await client.query(`LISTEN ${TRUST_CHANNEL}`);
        if (this.#closed) throw new Error('the coordinator is closed');
      } catch (error) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
        throw error;
      }
      this.#client = client;
      if (this.#resyncPending) {
        // Whoever reconnected (the loop or a lock), what was notified meanwhile is lost: reload all.
        this.#resyncPending = false;
        for (const s of this.#subscribers) s.onResync();
      }
      return client;
    })().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    if (this.#closed) return;
    this.#onError(error);
    // Advisory locks died with the session; reconnect, then have subscribers reload everything.
    this.#resyncPending = true;
    this.#reconnect(0);
  }

  /** Retries LISTEN with exponential backoff until connected or closed; every failure is reported. */
  #reconnect(attempt: number): void {
    if (this.#closed || this.#retry) return;
    const delay = Math.min(this.#maxReconnectDelayMs, this.#reconnectDelayMs * 2 ** Math.min(attempt, 16));
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed || this.#client) return;
      this.#connection().catch((err: unknown) => {
        if (this.#closed) return;
        this.#onError(err);
        this.#reconnect(attempt + 1);
      });
    }, delay);
    this.#retry.unref();
  }

  #notified(payload: string | undefined): void {
    let change: TrustChange;
    try {
      change = JSON.parse(payload ?? '') as TrustChange;
    } catch {
      return;
    }
    if (change.schema !== this.#schema) return;
    for (const s of this.#subscribers) s.onChange(change);
  }

  /** Connects and starts listening now, so changes made from here on are not missed. */
  async start(): Promise<void> {
    await this.#connection();
  }

  async withLock<T>(key: string, wait: boolean, task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    // Session advisory locks are re-entrant within one connection, so this process serialises itself first.
    const release = await this.#mutex.acquire(key, wait);
    if (!release) return { ran: false };
    try {
      const id = lockId(`${this.#schema}:${key}`);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const client = await this.#connection();
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [LOCK_NAMESPACE, id]);
        if (rows[0]?.locked) {
          try {
            return { ran: true, value: await task() };
          } finally {
            await client.query('select pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, id]).catch(() => undefined);
          }
        }
        if (!wait || Date.now() > deadline) return { ran: false };
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      release();
    }
  }

  subscribe(onChange: (change: TrustChange) => void, onResync: () => void): void {
    this.#subscribers.push({ onChange, onResync });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
