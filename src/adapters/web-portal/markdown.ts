// The operators' reference (docs/contract/**/*.md) and the conformance kit's guide
// (docs/conformance.md) as portal pages: Markdown rendered to HTML with `marked`, once at start.
// The files are the repository's own, reviewed like code, so their Markdown is trusted; raw HTML in
// them is still not passed through (comments dropped, any other tag shown as text): the portal's
// pages carry no markup that the templates did not write. Links between the pages are rewritten to
// the portal's addresses (a link to docs/contract/catalogue.md#lfo leads to
// /documentation/reference/catalogue#lfo, one to ../../../xsd/v1/x.xsd to /documentation/xsd/v1/x.xsd);
// a link to a file the portal does not publish (the provider's operations guide, the decisions)
// keeps its text without the link. Headings get GitHub's anchors, which the pages' links use.
import path from 'node:path';
import { Marked, Renderer, type Tokens } from 'marked';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** GitHub's heading anchor: lower case, punctuation dropped (letters of any script kept), blanks → '-'. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * The portal address of a repository file (a path from the repository root), or undefined when
 * the portal does not publish it. `published(repoPath)` says whether a wsdl/ or xsd/ file is served.
 */
export type LinkMapper = (repoPath: string) => string | undefined;

export interface RenderedMarkdown {
  /** The text of the first level-1 heading (the page's title). */
  title: string;
  html: string;
}

/** Renders the Markdown of the repository file `repoPath` (e.g. docs/contract/regles.md). */
export function renderMarkdown(markdown: string, repoPath: string, mapLink: LinkMapper): RenderedMarkdown {
  const slugs = new Map<string, number>();
  let title = '';
  const renderer = new Renderer();
  renderer.heading = function ({ tokens, depth }: Tokens.Heading): string {
    const text = this.parser.parseInline(tokens, this.parser.textRenderer);
    if (depth === 1 && title === '') title = text;
    const base = headingSlug(text.replace(/&[a-z]+;|&#\d+;/g, ''));
    const seen = slugs.get(base) ?? 0;
    slugs.set(base, seen + 1);
    const id = seen === 0 ? base : `${base}-${seen}`;
    return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
  };
  renderer.link = function ({ href, title: linkTitle, tokens }: Tokens.Link): string {
    const inner = this.parser.parseInline(tokens);
    const target = portalHref(href, repoPath, mapLink);
    if (target === undefined) return inner;
    return `<a href="${escapeHtml(target)}"${linkTitle ? ` title="${escapeHtml(linkTitle)}"` : ''}>${inner}</a>`;
  };
  renderer.html = ({ text }: Tokens.HTML | Tokens.Tag): string => (/^\s*<!--[\s\S]*-->\s*$/.test(text) ? '' : escapeHtml(text));
  // Bootstrap's table look; a wide table scrolls in its own box, reachable from the keyboard.
  renderer.table = function (token: Tokens.Table): string {
    const html = Renderer.prototype.table.call(this, token).replace('<table>', '<table class="table table-sm table-bordered">');
    return `<div class="table-responsive" tabindex="0" role="region" aria-label="Tableau">${html}</div>\n`;
  };
  // A long command line scrolls sideways: its block takes the keyboard focus to be scrolled.
  renderer.code = function (token: Tokens.Code): string {
    return Renderer.prototype.code.call(this, token).replace(/^<pre>/, '<pre tabindex="0">');
  };
  const marked = new Marked({ gfm: true, async: false, renderer });
  const html = marked.parse(markdown) as string;
  return { title, html };
}

/** A link of the page `fromRepoPath` as the portal's address (undefined: not published). */
export function portalHref(href: string, fromRepoPath: string, mapLink: LinkMapper): string | undefined {
  if (href.startsWith('#')) return href;
  if (/^(https?:|mailto:)/i.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) return undefined;
  const hashAt = href.indexOf('#');
  const file = hashAt < 0 ? href : href.slice(0, hashAt);
  const anchor = hashAt < 0 ? '' : href.slice(hashAt);
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromRepoPath), decodeURI(file)));
  if (target.startsWith('..')) return undefined;
  const mapped = mapLink(target);
  return mapped === undefined ? undefined : `${mapped}${anchor}`;
}
