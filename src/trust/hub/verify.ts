import { parseCertificate } from '../../pki/certificates.js';
import type { x509 } from '../../pki/x509.js';
import { x509 as x509Lib } from '../../pki/x509.js';
import { isHttpUrl } from '../federation/bounded-fetch.js';
import { parseBoundedJson } from '../../json/bounded-json.js';
import { verifySignedEnvelope } from '../trust-list/envelope.js';
import { refuse, type TrustListRefusal } from '../trust-list/errors.js';
import { isInstant, isSequence, REGION_PATTERN } from '../trust-list/format.js';
import { HUB_ID, LIST_OF_LISTS_TYP, MAX_HUB_ENTRIES, type ListOfListsEntry, type ListOfListsPayload } from './format.js';

export interface AcceptedListOfLists {
  payload: ListOfListsPayload;
  jws: string;
  hash: string;
}

export type ListOfListsVerdict = { ok: true; unchanged: boolean; list: AcceptedListOfLists } | TrustListRefusal;

function checkEntry(value: unknown): ListOfListsEntry | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'entry is not an object';
  const { region, url, anchor } = value as Record<string, unknown>;
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) return 'entry region is not an ISO 3166-2 code';
  if (typeof url !== 'string' || url.length > 2000 || !isHttpUrl(url)) return `entry ${region}: url is not http(s)`;
  if (typeof anchor !== 'string' || anchor.length > 64 * 1024 || (anchor.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length !== 1) return `entry ${region}: anchor is not one PEM certificate`;
  const cert = parseCertificate(anchor);
  if (!cert || !cert.getExtension(x509Lib.BasicConstraintsExtension)?.ca) return `entry ${region}: anchor is not a CA certificate`;
  return { region, url, anchor };
}

/**
 * Verifies a hub's list of lists with the same rules as a trust list (docs/federation.md §"Hub"):
 * explicit typ, chain to the pinned hub anchor, signature, sequence never backwards, nextUpdate + grace.
 */
export async function verifyListOfLists(
  token: string,
  pin: { hubId: string; anchor: x509.X509Certificate },
  options: { now: Date; graceSeconds: number; previous?: { sequence: number; hash: string } | undefined; maxBytes?: number },
): Promise<ListOfListsVerdict> {
  const envelope = await verifySignedEnvelope(token, { typ: LIST_OF_LISTS_TYP, anchor: pin.anchor, at: options.now, maxBytes: options.maxBytes ?? 4 * 1024 * 1024 });
  if (!envelope.ok) return envelope;
  const body = parseBoundedJson(envelope.payloadText, 6);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse('TRUST_LIST_MALFORMED', 'the payload is not a JSON object within the depth limit');
  const { hub, sequence, issuedAt, nextUpdate, regions } = body as Record<string, unknown>;
  if (typeof hub !== 'string' || !HUB_ID.test(hub)) return refuse('TRUST_LIST_MALFORMED', 'hub is not a hub id');
  if (!isSequence(sequence)) return refuse('TRUST_LIST_MALFORMED', 'sequence is not a positive integer');
  if (!isInstant(issuedAt) || !isInstant(nextUpdate) || Date.parse(nextUpdate) <= Date.parse(issuedAt)) return refuse('TRUST_LIST_MALFORMED', 'issuedAt/nextUpdate are not ordered RFC 3339 UTC instants');
  if (!Array.isArray(regions)) return refuse('TRUST_LIST_MALFORMED', 'regions is not an array');
  if (hub !== pin.hubId) return refuse('TRUST_LIST_REGION_MISMATCH', `the list is from hub ${hub}, subscribed as ${pin.hubId}`);
  const now = options.now.getTime();
  if (Date.parse(issuedAt) > now + 300_000) return refuse('TRUST_LIST_MALFORMED', 'issuedAt is in the future');
  if (now > Date.parse(nextUpdate) + options.graceSeconds * 1000) return refuse('TRUST_LIST_STALE', `the list was due for update at ${nextUpdate}`);
  const previous = options.previous;
  if (previous && sequence < previous.sequence) return refuse('TRUST_LIST_ROLLBACK', `sequence ${sequence} is older than the accepted ${previous.sequence}`);
  if (previous && sequence === previous.sequence && envelope.hash !== previous.hash) return refuse('TRUST_LIST_SEQUENCE_CONFLICT', `sequence ${sequence} was already accepted with different content`);
  if (regions.length === 0) return refuse('TRUST_LIST_EMPTY', 'the list of lists has no regions');
  if (regions.length > MAX_HUB_ENTRIES) return refuse('TRUST_LIST_TOO_LARGE', `more than ${MAX_HUB_ENTRIES} regions`);
  const entries: ListOfListsEntry[] = [];
  const seen = new Set<string>();
  for (const value of regions) {
    const entry = checkEntry(value);
    if (typeof entry === 'string') return refuse('TRUST_LIST_MALFORMED', entry);
    if (seen.has(entry.region)) return refuse('TRUST_LIST_MALFORMED', `region ${entry.region} is listed twice`);
    seen.add(entry.region);
    entries.push(entry);
  }
  return {
    ok: true,
    unchanged: previous !== undefined && sequence === previous.sequence,
    list: { payload: { hub, sequence, issuedAt, nextUpdate, regions: entries }, jws: token.trim(), hash: envelope.hash },
  };
}
