import Fastify from 'fastify';
import { Pool } from 'pg';
import { plainPage } from './plain-query';

// The raw speed underneath: bare Fastify + pg answering a plain indexed page query for the same rows, no GraphQL, auth or limits.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const organizationId = process.env.ORGANIZATION_ID!;
const app = Fastify();

app.get('/devices', async () => ({ devices: (await plainPage(pool, organizationId)).slice(0, 50) }));

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
