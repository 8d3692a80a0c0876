import { describe, expect, it } from 'vitest';
import { benchSeal } from '../../bench/seal.js';

describe('seal benchmark', () => {
  it('measures stamping and warm-cache verification against raw ECDSA in a bounded run', async () => {
    const started = Date.now();
    const result = await benchSeal();
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const key of ['seal.stamp_per_s', 'seal.verify_stamp_warm_path_cache_per_s', 'seal.raw_ecdsa_p256_sign_per_s', 'seal.raw_ecdsa_p256_verify_per_s']) {
      expect(result[key], key).toBeGreaterThan(0);
    }
    expect(result['seal.path_cache_hits']).toBeGreaterThan(20);
    console.log(result);
  });
});
