// An Edge route: the edge runtime can neither read a file nor fetch a bundled asset in init(),
// so it imports the inline entry, which carries its .wasm.
import init, { EstuaryUser } from "estuary-user/inline";
import { answer } from "../answer.js";

export const runtime = "edge";

export const GET = (request) => answer(request, init, EstuaryUser);
