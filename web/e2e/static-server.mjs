// A tiny static server for the cross-origin (CORS) test: serves the built app (web/dist) from a
// second origin and names the API's origin in index.html (<meta name="woonzorg-api">), so the app
// asks the API across origins. Usage: node static-server.mjs <port> <dist> <api origin>
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const [port, dist, api] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.topojson': 'application/json', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path);
  try {
    if (!file.startsWith(dist) || path === '/' || !extname(path)) throw new Error('the app');
    const body = await readFile(file);
    response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    // Every other path is a page of the app: index.html with the API's origin.
    const index = (await readFile(join(dist, 'index.html'), 'utf8')).replace('<head>', `<head>\n    <meta name="woonzorg-api" content="${api}">`);
    response.writeHead(200, { 'Content-Type': types['.html'], 'Cache-Control': 'no-cache' });
    response.end(index);
  }
}).listen(Number(port), '127.0.0.1');
