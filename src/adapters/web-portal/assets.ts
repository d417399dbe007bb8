// Static files of the portal, all from this origin (the CSP allows nothing else): Bootstrap's CSS
// and htmx from their npm packages (no CDN, no client build chain), the portal's own CSS from
// views/static. Versioned by the installed packages, so browsers may keep them a day.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { WEB_PORTAL_VIEWS_DIR } from '../paths.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

export const ASSET_ROOTS: ReadonlyArray<{ prefix: string; root: string; files: string[] }> = [
  { prefix: '/static/bootstrap/', root: path.join(packageDir('bootstrap'), 'dist', 'css'), files: ['bootstrap.min.css', 'bootstrap.min.css.map'] },
  { prefix: '/static/htmx/', root: path.join(packageDir('htmx.org'), 'dist'), files: ['htmx.min.js'] },
  { prefix: '/static/portail/', root: path.join(WEB_PORTAL_VIEWS_DIR, 'static'), files: ['portail.css', 'suivi-test.js'] },
];

export const assetRoutes: FastifyPluginAsync = async (app) => {
  let first = true;
  for (const { prefix, root, files } of ASSET_ROOTS) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      // Only the files named: the rest of a package's folder is not published.
      allowedPath: (pathName) => files.includes(pathName.replace(/^\/+/, '')),
      decorateReply: first,
      index: false,
      list: false,
      dotfiles: 'deny',
      maxAge: 24 * 3600 * 1000,
    });
    first = false;
  }
};
