import { describe, expect, it } from 'vitest';
import { describeLicenceTypes, licenceTypeByVct, validateLicenceRequest } from '../../src/credentials/licence/catalogue.js';
import { TongbanError } from '../../src/errors.js';

const holder = { name: '张三', idType: 'resident-id-card', idNumber: '11010519491231002X' };
const businessFields = {
  companyName: '广州通办科技有限公司',
  legalRepresentative: '张三',
  registeredCapital: '1000万元人民币',
  address: '广州市天河区珠江新城1号',
  establishedOn: '2019-06-01',
};

function errorOf(action: () => unknown): TongbanError {
  try {
    action();
  } catch (error) {
    if (error instanceof TongbanError) return error;
    throw error;
  }
  throw new Error('expected a TongbanError');
}

describe('licence catalogue', () => {
  it('lists the five licence types with type codes, names, vct and a JSON Schema for their fields', () => {
    const types = describeLicenceTypes();
    expect(types.map((t) => t.type)).toEqual(['business-licence', 'resident-id-card', 'marriage-certificate', 'social-security-card', 'hk-identity-card']);
    expect(new Set(types.map((t) => t.typeCode)).size).toBe(5);
    const business = types[0]!;
    expect(business.name).toEqual({ en: 'Business licence', zh: '营业执照' });
    expect(business.fieldsSchema).toMatchObject({
      type: 'object',
      required: ['companyName', 'legalRepresentative', 'registeredCapital', 'address', 'establishedOn'],
      additionalProperties: false,
    });
    expect(licenceTypeByVct(business.vct)?.type).toBe('business-licence');
  });

  it('accepts a complete business licence request', () => {
    const valid = validateLicenceRequest({ type: 'business-licence', holder, fields: businessFields });
    expect(valid.licenceType.typeCode).toBe('TB0001');
    expect(valid.fields).toEqual(businessFields);
  });

  it('names every wrong field in a rejected request', () => {
    const error = errorOf(() =>
      validateLicenceRequest({
        type: 'business-licence',
        holder: { ...holder, idNumber: 'not a number!' },
        fields: { ...businessFields, companyName: '', establishedOn: '2019-02-30', shoeSize: 42 },
      }),
    );
    expect(error.code).toBe('INVALID_LICENCE_FIELDS');
    expect(error.status).toBe(400);
    const errors = (error.details?.errors ?? []) as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(['fields.companyName', 'fields.establishedOn', 'fields.shoeSize', 'holder.idNumber']);
    expect(errors.find((e) => e.path === 'fields.shoeSize')?.message).toBe('unknown field');
  });

  it('reports missing fields and a missing holder', () => {
    const error = errorOf(() => validateLicenceRequest({ type: 'business-licence', holder: undefined, fields: { companyName: 'X' } }));
    const paths = ((error.details?.errors ?? []) as { path: string }[]).map((e) => e.path);
    expect(paths).toContain('holder');
    expect(paths).toContain('fields.legalRepresentative');
    expect(paths).toContain('fields.establishedOn');
  });

  it('refuses a licence type that is not in the catalogue', () => {
    expect(errorOf(() => validateLicenceRequest({ type: 'fishing-permit', holder, fields: {} })).code).toBe('UNKNOWN_LICENCE_TYPE');
    expect(errorOf(() => validateLicenceRequest({ type: ['business-licence'], holder, fields: {} })).code).toBe('UNKNOWN_LICENCE_TYPE');
  });
});
