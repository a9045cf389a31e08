/**
 * The reference the audit is measured against: a plain `node:http` script
 * that does the least an audit must do, fetching every page of the own-keys
 * listing (bearer token, following `nextPageToken`, parsing each page and
 * keeping its items) and writing a file of the report's size. With
 * `--durable`, the file goes to a temp name, is fsynced and renamed into
 * place, as an atomic report write must.
 *
 *   node plain-fetch.js <api url> <file to write> <bytes> [--durable]
 *
 * The bearer token comes from C1_ACCESS_TOKEN, as for the audit.
 */
import { request } from 'node:http';
import { open, rename } from 'node:fs/promises';

const [baseUrl, outFile, sizeText, flag] = process.argv.slice(2);
const token = process.env.C1_ACCESS_TOKEN;
if (!baseUrl || !outFile || !sizeText || !token) {
  process.stderr.write('usage: C1_ACCESS_TOKEN=… node plain-fetch.js <api url> <file> <bytes> [--durable]\n');
  process.exit(2);
}

function getJson(url: URL): Promise<{ list: unknown[] | null; nextPageToken: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url.pathname} answered ${res.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { list: unknown[] | null; nextPageToken: string });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const items: unknown[] = [];
let pageToken = '';
do {
  const url = new URL('/api/v1/iam/personal_clients', baseUrl);
  if (pageToken !== '') url.searchParams.set('page_token', pageToken);
  const page = await getJson(url);
  for (const item of page.list ?? []) items.push(item);
  pageToken = page.nextPageToken;
} while (pageToken !== '');

const data = Buffer.alloc(Number(sizeText), 0x20);
if (flag === '--durable') {
  const temp = `${outFile}.tmp`;
  const handle = await open(temp, 'wx', 0o640);
  await handle.writeFile(data);
  await handle.sync();
  await handle.close();
  await rename(temp, outFile);
} else {
  const handle = await open(outFile, 'w', 0o640);
  await handle.writeFile(data);
  await handle.close();
}
process.stdout.write(`${items.length}\n`);
