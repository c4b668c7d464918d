// The template's config with adapter-node, so that `node build` runs the production server.
import adapter from "@sveltejs/adapter-node";

export default { kit: { adapter: adapter() } };
