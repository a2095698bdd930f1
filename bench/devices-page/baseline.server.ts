import Fastify from 'fastify';
import { Pool } from 'pg';
import { devicePageSql } from '@edgefleet/devices';
import { plainPage } from './plain-query';

// The raw speed underneath: bare Fastify + pg, no GraphQL, auth or limits. SQL=plain answers the
// plain indexed query for the same rows (the baseline); SQL=edgefleet runs the api's own page SQL,
// which tells the query's cost apart from the api's.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const organizationId = process.env.ORGANIZATION_ID!;
const app = Fastify();
const edgefleet = devicePageSql(organizationId, { first: 50, filter: { provisioningStatus: 'SUCCEEDED', tags: [{ key: 'site', value: 'site-3' }] } });

app.get('/devices', async () => {
  const rows = process.env.SQL === 'edgefleet' ? (await pool.query(edgefleet.text, edgefleet.values as unknown[])).rows : await plainPage(pool, organizationId);
  return { devices: rows.slice(0, 50) };
});

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
