import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCrls } from '../../src/credentials/seal/seal-repository.js';
import { sealNode, tempDir } from './fixtures.js';

describe('the seal CRL publisher', () => {
  const tmp = tempDir();
  let node: Awaited<ReturnType<typeof sealNode>>;

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
  });
  afterAll(async () => {
    await node.db.close();
    tmp.cleanup();
  });

  const stored = async () => (await sealCrls(node.db.knex).select('crl_number').orderBy('crl_number')).map((r) => String(r.crl_number));

  it('issues one CRL when concurrent callers ask for it at reissue time', async () => {
    const t0 = new Date();
    node.clock.now = t0;
    const [a, b] = await Promise.all([node.service.crl(), node.service.crl()]);
    expect(a.der).toEqual(b.der);
    expect(await stored()).toEqual(['1']);
    // Past half of its validity the CRL is reissued: again once, whoever asks.
    node.clock.now = new Date(t0.getTime() + 13 * 3600_000);
    const again = await Promise.all([node.service.crl(), node.service.crl(), node.service.crl()]);
    expect(again.every((list) => list.der.equals(again[0]!.der))).toBe(true);
    expect(await stored()).toEqual(['1', '2']);
  });
});
