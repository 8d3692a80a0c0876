/** JWS `typ` of a Tongban health code (RFC 7515 §4.1.9, explicit typing per RFC 8725 §3.11). */
export const HEALTH_CODE_TYP = 'tongban-hc+jwt';
export const HEALTH_CODE_COLOURS = ['green', 'yellow', 'red'] as const;
export type HealthCodeColour = (typeof HEALTH_CODE_COLOURS)[number];
