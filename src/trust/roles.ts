/** What an issuer key may sign. A key is trusted for its roles only: a seal key cannot sign a health code. */
export const ISSUER_ROLES = ['healthcode', 'licence', 'seal', 'status'] as const;
export type IssuerRole = (typeof ISSUER_ROLES)[number];
