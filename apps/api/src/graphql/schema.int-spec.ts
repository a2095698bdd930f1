import { readFileSync } from 'node:fs';
import { type RunningApi, startApi } from '../test/start-api';
import { SCHEMA_FILE, printApiSchema } from './schema.print';

describe('committed schema.graphql', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());

  it('matches the schema the code serves (run `npm run schema:write` after changing the API)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema(api.app));
  });
});
