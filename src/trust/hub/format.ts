/** JWS `typ` of a hub's list of lists (explicit typing, RFC 8725 §3.11: never confusable with a trust list). */
export const LIST_OF_LISTS_TYP = 'tongban-list-of-lists+jwt';
export const LIST_OF_LISTS_MEDIA_TYPE = 'application/tongban-list-of-lists+jwt';

/** A pointer to one region's trust list and the anchor it must chain to (like an EU LOTL entry). */
export interface ListOfListsEntry {
  region: string;
  url: string;
  /** The region's trust anchor certificate, PEM. */
  anchor: string;
}

export interface ListOfListsPayload {
  hub: string;
  sequence: number;
  issuedAt: string;
  nextUpdate: string;
  regions: ListOfListsEntry[];
}

export const MAX_HUB_ENTRIES = 1000;
export const HUB_ID = /^[A-Za-z0-9._-]{1,100}$/;
