import init, { EstuaryUser } from "estuary-user/inline";
import { show } from "./show.js";

show(init, EstuaryUser);
