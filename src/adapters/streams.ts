// What is left of an HTTP request body that a route stops reading early (an upload refused on its
// first lines): read and dropped before the route answers, so that a client still sending is not
// answered mid-upload. Node then keeps the connection usable; a browser or HTTP client that cannot
// read an answer before it has finished sending would otherwise be left stuck.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Reads the rest of `body` and drops it; resolves when it has ended (or failed, or was destroyed). */
export async function dropRest(body: Readable): Promise<void> {
  if (body.readableEnded || body.destroyed) return;
  // A parser still piped to the body would pause it again as soon as its own buffer is full.
  body.unpipe();
  body.resume();
  await finished(body).catch(() => undefined);
}
