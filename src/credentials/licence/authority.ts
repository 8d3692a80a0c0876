import { TongbanError } from '../../errors.js';

/** GB/T 2260 province-level division codes of the regions Tongban nodes serve. */
const DIVISIONS: Record<string, string> = {
  'CN-BJ': '110000', 'CN-TJ': '120000', 'CN-HE': '130000', 'CN-SX': '140000', 'CN-NM': '150000',
  'CN-LN': '210000', 'CN-JL': '220000', 'CN-HL': '230000', 'CN-SH': '310000', 'CN-JS': '320000',
  'CN-ZJ': '330000', 'CN-AH': '340000', 'CN-FJ': '350000', 'CN-JX': '360000', 'CN-SD': '370000',
  'CN-HA': '410000', 'CN-HB': '420000', 'CN-HN': '430000', 'CN-GD': '440000', 'CN-GX': '450000',
  'CN-HI': '460000', 'CN-CQ': '500000', 'CN-SC': '510000', 'CN-GZ': '520000', 'CN-YN': '530000',
  'CN-XZ': '540000', 'CN-SN': '610000', 'CN-GS': '620000', 'CN-QH': '630000', 'CN-NX': '640000',
  'CN-XJ': '650000', 'CN-TW': '710000', 'CN-HK': '810000', 'CN-MO': '820000',
};

/**
 * The issuing authority code for identifiers when none is configured: a development placeholder of
 * the unified-social-credit-code shape, `11` + the region's GB/T 2260 code + ten zeros. A deployment
 * configures the real 18-character code of the issuing department instead (docs/licences.md).
 */
export function placeholderAuthorityCode(region: string): string {
  const division = DIVISIONS[region];
  if (!division) throw new TongbanError('UNKNOWN_REGION', `no division code for region ${region}; configure the licence authority code`, 500);
  return `11${division}0000000000`;
}
