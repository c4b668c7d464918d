// A Node.js route handler (the default runtime), with the package's default import: Next
// resolves it to the `node` entry.
import init, { EstuaryUser } from "estuary-user";
import { answer } from "../answer.js";

export const GET = (request) => answer(request, init, EstuaryUser);
