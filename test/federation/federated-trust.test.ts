import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FederatedTrust, type PeerTrust } from '../../src/trust/federation/federated-trust.js';
import type { TrustedIssuer } from '../../src/trust/trust-material.js';

function peerList(sequence: number, status: TrustedIssuer['status']): PeerTrust {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const issuer: TrustedIssuer = { kid: 'kid-1', region: 'CN-SC', source: 'peer', roles: ['healthcode'], status, publicKey, name: 'Sichuan' };
  const nextUpdate = new Date(Date.now() + 86_400_000);
  return { region: 'CN-SC', sequence, nextUpdate, freshUntil: nextUpdate, hash: `hash-${sequence}`, issuers: [issuer] };
}

describe('FederatedTrust.setPeer', () => {
  it('ignores an older list arriving after a newer one (a reload racing a sync cannot undo a revocation)', () => {
    const trust = new FederatedTrust();
    trust.setPeer(peerList(6, 'revoked'));
    trust.setPeer(peerList(5, 'active'));
    expect(trust.peer('CN-SC')?.sequence).toBe(6);
    expect(trust.issuersByKid('kid-1').map((i) => i.status)).toEqual(['revoked']);
  });

  it('takes a newer list, and any list again after the peer was removed', () => {
    const trust = new FederatedTrust();
    trust.setPeer(peerList(5, 'active'));
    trust.setPeer(peerList(6, 'revoked'));
    expect(trust.peer('CN-SC')?.sequence).toBe(6);
    trust.removePeer('CN-SC');
    trust.setPeer(peerList(2, 'active'));
    expect(trust.peer('CN-SC')?.sequence).toBe(2);
  });
});
