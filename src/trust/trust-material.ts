import type { KeyObject } from 'node:crypto';
import type { IssuerRole } from './roles.js';

/** ETSI TS 119 612-style service status: retired keys still vouch for what they signed before. */
export type IssuerStatus = 'active' | 'retired' | 'revoked';

export interface IssuerStatusChange {
  status: IssuerStatus;
  at: string; // ISO-8601
}

/** One issuer key this node trusts, from its own region or from an accepted peer trust list. */
export interface TrustedIssuer {
  kid: string;
  region: string;
  name: string;
  roles: readonly IssuerRole[];
  publicKey: KeyObject;
  /** DER of the issuer's certificate (CA certificate for role `seal`), when it has one. */
  certificate?: Buffer;
  /** DER of the certificates between `certificate` and the region's anchor (for caller-anchored checks). */
  certificateChain?: Buffer[];
  status: IssuerStatus;
  /** When the current status took effect: retirement/revocation time. */
  statusSince?: Date;
  validFrom?: Date;
  validTo?: Date;
  source: 'local' | 'peer';
  /**
   * For peer issuers: the time after which the peer's trust list is stale beyond grace. Credentials
   * from a stale peer are INDETERMINATE/TRY_LATER, never passed. Absent for the local region.
   */
  freshUntil?: Date;
}

/**
 * The trust material a verification runs against: explicit data handed to the verifier, never a
 * global. Implementations keep it in memory (the verify hot path touches no database).
 */
export interface TrustMaterial {
  /** Every trusted issuer with this kid (more than one when kids collide across regions). */
  issuersByKid(kid: string): readonly TrustedIssuer[];
  /** Every trusted issuer that holds a role (e.g. the seal CAs of all regions). */
  issuersWithRole(role: IssuerRole): readonly TrustedIssuer[];
}

/** An in-memory TrustMaterial over a fixed set of issuers; rebuilt (not mutated) when trust changes. */
export class IssuerIndex implements TrustMaterial {
  readonly #byKid = new Map<string, TrustedIssuer[]>();
  readonly #byRole = new Map<IssuerRole, TrustedIssuer[]>();
  readonly size: number;

  constructor(issuers: Iterable<TrustedIssuer>) {
    let size = 0;
    for (const issuer of issuers) {
      size++;
      const list = this.#byKid.get(issuer.kid);
      if (list) list.push(issuer);
      else this.#byKid.set(issuer.kid, [issuer]);
      for (const role of issuer.roles) {
        const byRole = this.#byRole.get(role);
        if (byRole) byRole.push(issuer);
        else this.#byRole.set(role, [issuer]);
      }
    }
    this.size = size;
  }

  issuersByKid(kid: string): readonly TrustedIssuer[] {
    return this.#byKid.get(kid) ?? [];
  }

  issuersWithRole(role: IssuerRole): readonly TrustedIssuer[] {
    return this.#byRole.get(role) ?? [];
  }
}
