import { readFileSync } from 'node:fs';

/** Name and version from package.json, read once; the file sits one level above `src/` and `dist/`. */
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const TOOL_NAME: string = pkg.name;
export const TOOL_VERSION: string = pkg.version;
export const USER_AGENT = `${TOOL_NAME}/${TOOL_VERSION} (node ${process.versions.node})`;
