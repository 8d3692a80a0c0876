import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs (pino). Never log credentials, tokens or ID numbers: only ids, kids and pseudonyms. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'tongban', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
