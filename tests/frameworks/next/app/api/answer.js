// What both route handlers answer to GET …?api=…&token=…: read-stats.js's summary, with the
// entry the route imported (init and EstuaryUser are passed in).
import { failure, readStats } from "../read-stats.js";

export async function answer(request, init, EstuaryUser) {
  const result = await readStats(init, EstuaryUser, new URL(request.url).searchParams).catch(failure);
  return Response.json(result, { status: result.ok ? 200 : 500 });
}
