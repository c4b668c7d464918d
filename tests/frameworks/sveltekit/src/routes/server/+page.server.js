// A server `load`: the same summary, read on the server with the package's `node` entry.
import init, { EstuaryUser } from "estuary-user";
import { failure, readStats } from "$lib/read-stats.js";

export async function load({ url }) {
  return { result: await readStats(init, EstuaryUser, url.searchParams).catch(failure) };
}
