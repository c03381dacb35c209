import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * One file of the page, held in memory.
 *
 * ## Example
 * ```ts
 * const asset: Asset = { type: 'text/css; charset=utf-8', body: Buffer.from('body{}') };
 * ```
 */
export interface Asset {
  /** Its `Content-Type`. */
  readonly type: string;
  /** Its bytes. */
  readonly body: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Where the page's files are: `page/` beside this module in the sources, `console-page/` beside
 * the bundle in `dist/` (the build copies them there).
 */
function pageDirectory(): string {
  const candidates = [path.join(__dirname, 'page'), path.join(__dirname, 'console-page')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (found === undefined)
    throw new Error(`the console's page is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Loads the page's files (HTML, CSS, JavaScript modules) into memory, by URL path (`/` is
 * `index.html`). Only these paths are ever served: nothing is read from disk per request.
 *
 * ## Example
 * ```ts
 * const assets = loadAssets();
 * assets.get('/')?.type; // 'text/html; charset=utf-8'
 * ```
 * @param directory Where the files are. Default: found beside this module.
 */
export function loadAssets(directory: string = pageDirectory()): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of fs.readdirSync(directory)) {
    const type = TYPES[path.extname(name)];
    if (type === undefined) continue;
    const asset = { type, body: fs.readFileSync(path.join(directory, name)) };
    assets.set(`/${name}`, asset);
    if (name === 'index.html') assets.set('/', asset);
  }
  return assets;
}
