import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { nativeOf } from '../../functions/core/store/table';

/**
 * `nativeOf` reads the attribute values of the recent query's hot read (an answer's minutes) as
 * DynamoDB sends them, in place of the document client's unmarshall: for every value it must give
 * what the document client gives, or fail as it fails.
 */

/** What the document client makes of one attribute value (its unmarshall, default options). */
const documentClientValue = (attribute: AttributeValue) => unmarshall({ value: attribute }).value as unknown;

describe('nativeOf', () => {
  it.each([
    ['an integer', { N: '42' }],
    ['a negative decimal', { N: '-5.45' }],
    ['an exponent', { N: '1.5e-7' }],
    ['the largest safe integer', { N: '9007199254740991' }],
    ['an integer beyond 2^53 (a BigInt, never a rounded number)', { N: '9007199254740993' }],
    [
      'a reading object',
      marshall({ raw: -5.45, value: 12.64, status: 'calibrated-ready', qcFlags: ['a'] }, { convertTopLevelContainer: true }),
    ],
    [
      'a reading without a value',
      marshall({ raw: 3, value: null, status: 'calibration-missing' }, { convertTopLevelContainer: true }),
    ],
    ['a string', { S: 'sensor-ready' }],
  ] as [string, AttributeValue][])('reads %s as the document client does', (_name, attribute) => {
    expect(nativeOf(attribute)).toEqual(documentClientValue(attribute));
  });

  it('refuses what the document client refuses (a huge number that is no integer)', () => {
    expect(() => documentClientValue({ N: '1e300' })).toThrow();
    expect(() => nativeOf({ N: '1e300' })).toThrow();
  });
});
