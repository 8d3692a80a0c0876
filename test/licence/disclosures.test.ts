import { describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { disclosureDigest, processDisclosures } from '../../src/credentials/licence/disclosures.js';

// RFC 9901 §4.2.1 example: the disclosure of family_name "Möbius" and its SHA-256 digest (§4.2.3).
const RFC_DISCLOSURE = 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0';
const RFC_DIGEST = 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0';

const disclosure = (...items: unknown[]) => encodeBase64Url(JSON.stringify(items));

describe('RFC 9901 disclosure processing', () => {
  it('computes the digest of the RFC example disclosure', () => {
    expect(disclosureDigest(RFC_DISCLOSURE)).toBe(RFC_DIGEST);
  });

  it('hashes the disclosure as presented, not a re-serialisation of it', () => {
    // The RFC example has spaces after commas; re-encoding the decoded array would drop them.
    const reencoded = encodeBase64Url(JSON.stringify(JSON.parse(Buffer.from(RFC_DISCLOSURE, 'base64url').toString())));
    expect(disclosureDigest(reencoded)).not.toBe(RFC_DIGEST);
    const result = processDisclosures({ _sd: [RFC_DIGEST], _sd_alg: 'sha-256', iss: 'https://issuer.example.com' }, [RFC_DISCLOSURE]);
    expect(result).toEqual({ ok: true, claims: { iss: 'https://issuer.example.com', family_name: 'Möbius' }, disclosed: 1 });
  });

  it('resolves nested and array-element disclosures and drops decoys', () => {
    const street = disclosure('salt-1', 'street', '珠江新城1号');
    const element = disclosure('salt-2', 'CN');
    const payload = {
      _sd: ['decoy-digest-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
      address: { _sd: [disclosureDigest(street), 'another-decoy'], city: '广州' },
      nationalities: [{ '...': disclosureDigest(element) }, { '...': 'undisclosed-element' }, 'HK'],
    };
    const result = processDisclosures(payload, [street, element]);
    expect(result).toEqual({ ok: true, claims: { address: { city: '广州', street: '珠江新城1号' }, nationalities: ['CN', 'HK'] }, disclosed: 2 });
  });

  it.each([
    ['a disclosure that is not base64url', ['not base64!'], 'FORMAT_FAILURE'],
    ['a disclosure that is not an array', [encodeBase64Url('{"a":1}')], 'FORMAT_FAILURE'],
    ['a disclosure with a non-string salt', [disclosure(1, 'a', 'b')], 'FORMAT_FAILURE'],
    ['a disclosure of the reserved name _sd', [disclosure('s', '_sd', ['x'])], 'FORMAT_FAILURE'],
    ['a disclosure of the reserved name ...', [disclosure('s', '...', 'x')], 'FORMAT_FAILURE'],
  ])('rejects %s', (_label, disclosures, sub) => {
    const payload = { _sd: disclosures.map(disclosureDigest) };
    expect(processDisclosures(payload, disclosures)).toMatchObject({ ok: false, subIndication: sub });
  });

  it('rejects a disclosed claim that already exists in the clear', () => {
    const d = disclosure('s', 'iss', 'https://evil.example');
    expect(processDisclosures({ iss: 'https://issuer.example', _sd: [disclosureDigest(d)] }, [d])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
  });

  it('rejects an array-element disclosure referenced from _sd and the reverse', () => {
    const element = disclosure('s', 'value');
    expect(processDisclosures({ _sd: [disclosureDigest(element)] }, [element])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
    const property = disclosure('s', 'name', 'value');
    expect(processDisclosures({ list: [{ '...': disclosureDigest(property) }] }, [property])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
  });

  it('rejects a digest that a disclosed value repeats', () => {
    const inner = disclosure('s1', 'street', 'x');
    const outer = disclosure('s2', 'address', { _sd: [disclosureDigest(inner)] });
    const payload = { _sd: [disclosureDigest(outer), disclosureDigest(inner)] };
    expect(processDisclosures(payload, [outer, inner])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
  });

  it('rejects an unreferenced disclosure with HASH_FAILURE', () => {
    const d = disclosure('s', 'name', 'x');
    expect(processDisclosures({ _sd: [] }, [d])).toMatchObject({ ok: false, subIndication: 'HASH_FAILURE' });
  });

  it('rejects a hash algorithm other than sha-256', () => {
    expect(processDisclosures({ _sd_alg: 'md5', _sd: [] }, [])).toMatchObject({ ok: false, subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
  });

  it('rejects _sd that is not an array of strings', () => {
    expect(processDisclosures({ _sd: 'abc' }, [])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
    expect(processDisclosures({ _sd: [42] }, [])).toMatchObject({ ok: false, subIndication: 'FORMAT_FAILURE' });
  });
});
