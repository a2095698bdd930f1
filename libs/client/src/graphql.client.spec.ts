import { GraphqlRequestError, codeOf, dataOf, errorOf, type GraphqlResponse } from './graphql.client';

const refused: GraphqlResponse = {
  status: 200,
  data: null,
  errors: [{ message: 'after: is not a cursor returned by this API.', extensions: { code: 'VALIDATION_FAILED', reason: 'INVALID_CURSOR' } }],
};
const ok: GraphqlResponse = { status: 200, data: { device: { name: 'cam' } } };

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as GraphqlRequestError;
  }
  throw new Error('expected a throw');
};

describe('GraphQL client helpers', () => {
  it('dataOf gives the data of a success', () => {
    expect(dataOf(ok)).toEqual({ device: { name: 'cam' } });
  });

  it('dataOf throws the code, reason and message of a failure', () => {
    const err = thrown(() => dataOf(refused));
    expect(err).toBeInstanceOf(GraphqlRequestError);
    expect({ message: err.message, code: err.code, reason: err.reason }).toEqual({
      message: 'VALIDATION_FAILED (INVALID_CURSOR): after: is not a cursor returned by this API.',
      code: 'VALIDATION_FAILED',
      reason: 'INVALID_CURSOR',
    });
  });

  it('dataOf refuses partial data with errors, and a response without code says its HTTP status', () => {
    expect(thrown(() => dataOf({ ...refused, data: { device: null } })).code).toBe('VALIDATION_FAILED');
    expect(thrown(() => dataOf({ status: 502, data: null, errors: [{ message: 'not a GraphQL response: Bad Gateway' }] })).message).toBe(
      'HTTP 502: not a GraphQL response: Bad Gateway',
    );
  });

  it('errorOf gives the error of a failure and throws on a success', () => {
    expect(errorOf(refused).extensions).toEqual({ code: 'VALIDATION_FAILED', reason: 'INVALID_CURSOR' });
    expect(thrown(() => errorOf(ok)).message).toBe('expected an error, got data: {"device":{"name":"cam"}}');
  });

  it('codeOf is the first error code, undefined on success', () => {
    expect([codeOf(refused), codeOf(ok)]).toEqual(['VALIDATION_FAILED', undefined]);
  });
});
