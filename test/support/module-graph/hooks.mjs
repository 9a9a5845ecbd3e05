// The ES module half of record.mjs: runs on the loader thread and records every module's URL as it loads.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
