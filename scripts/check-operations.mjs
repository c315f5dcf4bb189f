#!/usr/bin/env node
// A real client's round trip for every documented operation, as Apollo Client and urql do it with
// Automatic Persisted Queries: GET by hash (a miss asks for the query), POST hash + query, then GET
// by hash again, which must answer data without errors and be cacheable. Node 18+ (fetch and
// crypto built in), no packages.
//
//   WOONZORG_URL=http://127.0.0.1:8000/graphql WOONZORG_TOKEN=wz_… node scripts/check-operations.mjs
//
// Operations come from docs/queries/*.graphql (and web/persisted-operations.json when present).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const url = process.env.WOONZORG_URL ?? "http://127.0.0.1:8000/graphql";
const headers = { Accept: "application/graphql-response+json, application/json;q=0.9" };
if (process.env.WOONZORG_TOKEN) headers.Authorization = `Bearer ${process.env.WOONZORG_TOKEN}`;

const operations = readdirSync(join(root, "docs/queries"))
  .filter((name) => name.endsWith(".graphql"))
  .map((name) => [name, readFileSync(join(root, "docs/queries", name), "utf8")]);
const manifest = join(root, "web/persisted-operations.json");
if (existsSync(manifest)) {
  const data = JSON.parse(readFileSync(manifest, "utf8"));
  const entries = Array.isArray(data.operations)
    ? data.operations.map((op) => [op.name ?? op.id, op.body])
    : Object.entries(data);
  operations.push(...entries.map(([name, body]) => [`web:${name}`, body]));
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const extensions = (hash) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

async function getByHash(hash) {
  const params = new URLSearchParams({ extensions: JSON.stringify(extensions(hash)) });
  const response = await fetch(`${url}?${params}`, { headers });
  return { response, body: await response.json() };
}

let failures = 0;
for (const [name, query] of operations) {
  const hash = sha256(query);
  const first = await getByHash(hash);
  const missed = first.body.errors?.some((e) => e.message === "PersistedQueryNotFound");
  if (missed) {
    const post = await fetch(url, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ query, extensions: extensions(hash) }),
    });
    const body = await post.json();
    if (body.errors) {
      failures += 1;
      console.error(`FAIL ${name}: registering: ${JSON.stringify(body.errors)}`);
      continue;
    }
  }
  const again = await getByHash(hash);
  const cache = again.response.headers.get("cache-control") ?? "";
  if (again.body.errors || !again.body.data || !/max-age=\d+/.test(cache)) {
    failures += 1;
    console.error(`FAIL ${name}: ${JSON.stringify(again.body.errors ?? again.body)} (${cache})`);
  } else {
    console.log(`ok   ${name} (${missed ? "registered, then by hash" : "by hash"}; ${cache})`);
  }
}
console.log(`${operations.length - failures}/${operations.length} operations ok`);
process.exit(failures ? 1 : 0);
