import { z } from 'zod';
import { TongbanError } from '../../errors.js';

/**
 * The licence types this node issues. Each has a GB/T 36904 type code (the `{type code}` segment of
 * the identifier), an SD-JWT VC type (`vct`, draft-ietf-oauth-sd-jwt-vc §3.2.2.1.1), a schema for its
 * fields and a default validity. Type codes are Tongban's own assignments (TBnnnn); a deployment that
 * joins the national licence catalogue replaces them with the catalogue's codes (docs/licences.md).
 */
export interface LicenceType {
  /** Stable API name, e.g. `business-licence`. */
  type: string;
  typeCode: string;
  name: { en: string; zh: string };
  vct: string;
  fields: z.ZodObject;
  /** Default validity in days from issuance. */
  validityDays: number;
}

const YEAR = 365;
const text = (max: number) => z.string().trim().min(1).max(max);
const date = () => z.iso.date();
const sex = () => z.enum(['male', 'female']);

/** GB 32100 unified social credit code: 18 characters, no I, O, Z, S, V. */
const unifiedSocialCreditCode = () => z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, 'must be an 18-character unified social credit code (GB 32100)');

const TYPES: LicenceType[] = [
  {
    type: 'business-licence',
    typeCode: 'TB0001',
    name: { en: 'Business licence', zh: '营业执照' },
    vct: 'urn:tongban:licence:business-licence',
    validityDays: 10 * YEAR,
    fields: z.strictObject({
      companyName: text(200).describe('Registered company name (名称)'),
      legalRepresentative: text(100).describe('Legal representative (法定代表人)'),
      registeredCapital: text(100).describe('Registered capital as printed, e.g. "1000万元人民币" (注册资本)'),
      address: text(500).describe('Registered address (住所)'),
      establishedOn: date().describe('Date of establishment (成立日期)'),
      unifiedSocialCreditCode: unifiedSocialCreditCode().optional().describe('统一社会信用代码'),
    }),
  },
  {
    type: 'resident-id-card',
    typeCode: 'TB0002',
    name: { en: 'Resident identity card', zh: '居民身份证' },
    vct: 'urn:tongban:licence:resident-id-card',
    validityDays: 10 * YEAR,
    fields: z.strictObject({
      sex: sex().describe('性别'),
      ethnicity: text(40).describe('民族'),
      birthDate: date().describe('出生日期'),
      address: text(500).describe('住址'),
      issuingAuthority: text(200).describe('签发机关'),
    }),
  },
  {
    type: 'marriage-certificate',
    typeCode: 'TB0003',
    name: { en: 'Marriage certificate', zh: '结婚证' },
    vct: 'urn:tongban:licence:marriage-certificate',
    // A marriage certificate does not lapse; 20 years is the longest lifetime the verification policy accepts.
    validityDays: 20 * YEAR,
    fields: z.strictObject({
      spouseName: text(100).describe('Name of the spouse (配偶姓名)'),
      spouseIdNumber: text(64).describe('ID number of the spouse (配偶身份证件号)'),
      registeredOn: date().describe('登记日期'),
      registrationAuthority: text(200).describe('登记机关'),
      certificateNumber: text(64).describe('结婚证字号'),
    }),
  },
  {
    type: 'social-security-card',
    typeCode: 'TB0004',
    name: { en: 'Social security card', zh: '社会保障卡' },
    vct: 'urn:tongban:licence:social-security-card',
    validityDays: 10 * YEAR,
    fields: z.strictObject({
      socialSecurityNumber: text(64).describe('社会保障号码'),
      cardNumber: text(64).describe('卡号'),
      issuingRegion: text(100).describe('发卡地'),
      issuedOn: date().describe('发卡日期'),
    }),
  },
  {
    type: 'hk-identity-card',
    typeCode: 'TB0005',
    name: { en: 'Hong Kong identity card', zh: '香港身份证' },
    vct: 'urn:tongban:licence:hk-identity-card',
    validityDays: 10 * YEAR,
    fields: z.strictObject({
      englishName: text(200).describe('Name in English'),
      chineseName: text(100).optional().describe('中文姓名'),
      dateOfBirth: date().describe('Date of birth'),
      sex: sex(),
      dateOfIssue: date().describe('Date of issue'),
      permanentResident: z.boolean().describe('Holds the right of abode (permanent identity card)'),
    }),
  },
];

const BY_TYPE = new Map(TYPES.map((t) => [t.type, t]));
const BY_VCT = new Map(TYPES.map((t) => [t.vct, t]));

export function licenceTypeByName(type: string): LicenceType | undefined {
  return BY_TYPE.get(type);
}

export function licenceTypeByVct(vct: string): LicenceType | undefined {
  return BY_VCT.get(vct);
}

/**
 * The holder of a licence: the person or entity it is about. `idType` names the document behind
 * `idNumber` (e.g. `resident-id-card`, `hk-identity-card`, `passport`, `unified-social-credit-code`).
 */
export const holderSchema = z.strictObject({
  name: text(200),
  idType: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, "-" or "_"'),
  idNumber: z.string().regex(/^[0-9A-Za-z()-]{1,64}$/, 'must be 1-64 letters, digits, "(", ")" or "-"'),
});
export type LicenceHolder = z.infer<typeof holderSchema>;

/** The catalogue as `GET /v1/licence-types` lists it: JSON Schema (draft 2020-12) for the fields. */
export interface LicenceTypeDescription {
  type: string;
  typeCode: string;
  name: { en: string; zh: string };
  vct: string;
  validityDays: number;
  fieldsSchema: Record<string, unknown>;
}

export function describeLicenceTypes(): LicenceTypeDescription[] {
  return TYPES.map((t) => ({
    type: t.type,
    typeCode: t.typeCode,
    name: t.name,
    vct: t.vct,
    validityDays: t.validityDays,
    fieldsSchema: z.toJSONSchema(t.fields) as Record<string, unknown>,
  }));
}

export interface FieldError {
  path: string;
  message: string;
}

export interface ValidLicenceRequest {
  licenceType: LicenceType;
  holder: LicenceHolder;
  fields: Record<string, unknown>;
}

function issuesOf(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // One error per unknown key, so the caller sees each field name it got wrong.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: 'unknown field' }));
    return [{ path: base || prefix, message: issue.message }];
  });
}

/**
 * Checks a licence request against the catalogue. Throws TongbanError INVALID_LICENCE_FIELDS (400)
 * listing every problem as {path, message}, or UNKNOWN_LICENCE_TYPE for a type not in the catalogue.
 */
export function validateLicenceRequest(input: { type: unknown; holder: unknown; fields: unknown }): ValidLicenceRequest {
  const licenceType = typeof input.type === 'string' ? licenceTypeByName(input.type) : undefined;
  if (!licenceType) {
    throw new TongbanError('UNKNOWN_LICENCE_TYPE', `unknown licence type; known types: ${TYPES.map((t) => t.type).join(', ')}`, 400);
  }
  const errors: FieldError[] = [];
  const holder = holderSchema.safeParse(input.holder);
  if (!holder.success) errors.push(...issuesOf(holder.error, 'holder'));
  const fields = licenceType.fields.safeParse(input.fields);
  if (!fields.success) errors.push(...issuesOf(fields.error, 'fields'));
  if (errors.length > 0 || !holder.success || !fields.success) {
    const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new TongbanError('INVALID_LICENCE_FIELDS', `licence request does not match the ${licenceType.type} schema: ${summary}`, 400, { errors });
  }
  return { licenceType, holder: holder.data, fields: fields.data as Record<string, unknown> };
}
