import Fastify from 'fastify';
import { Pool } from 'pg';
import { devicePageSql } from '@edgefleet/devices';

// The raw speed underneath: Fastify + pg running the very SQL the api runs, no GraphQL, auth or limits.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const organizationId = process.env.ORGANIZATION_ID!;
const app = Fastify();

app.get('/devices', async () => {
  const sql = devicePageSql(organizationId, {
    first: 50,
    filter: { provisioningStatus: 'SUCCEEDED', tags: [{ key: 'site', value: 'site-3' }] },
  });
  const { rows } = await pool.query(sql.text, sql.values as unknown[]);
  return { devices: rows.slice(0, 50) };
});

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
