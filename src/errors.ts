/**
 * An error a caller can act on: a stable machine-readable `code`, a human `message` and the HTTP status
 * it maps to. Domain code throws these; the HTTP layer renders them as `{"error":{"code","message"}}`.
 * Anything else that escapes is a fault of ours (500) and a bug when input caused it.
 */
export class TongbanError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TongbanError';
  }
}

export const invalidRequest = (message: string, details?: Record<string, unknown>) =>
  new TongbanError('INVALID_REQUEST', message, 400, details);
export const notFound = (what: string) => new TongbanError('NOT_FOUND', `${what} not found`, 404);
export const conflict = (code: string, message: string) => new TongbanError(code, message, 409);
