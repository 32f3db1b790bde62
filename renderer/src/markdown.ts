// Markdown of an exercise's instructions: markdown-it with raw HTML off (shown as text), tables
// on, fenced code (the README's ASCII figures) kept verbatim; links open outside the lab.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const defaultLink = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
  tokens[i]!.attrSet('target', '_blank');
  tokens[i]!.attrSet('rel', 'noopener noreferrer');
  return defaultLink(tokens, i, options, env, self);
};

/** The HTML of `source` (safe to bind with v-html: markdown-it escapes everything else). */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
