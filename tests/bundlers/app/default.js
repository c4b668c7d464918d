import init, { EstuaryUser } from "estuary-user";
import { show } from "./show.js";

show(init, EstuaryUser);
