/** Every scope an API client can hold. The admin token holds them all. */
export const SCOPES = [
  'healthcode:issue',
  'licence:issue',
  'licence:use',
  'seal:manage',
  'seal:stamp',
  'credential:revoke',
  'trust:admin',
  'client:admin',
  'audit:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
