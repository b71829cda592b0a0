import type { Pass } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/**
 * The page browsers that cannot add a pass themselves get at the landing link (Passdock's
 * `render_html_url`, Skycore's `PASSLINK`): what the pass is, and a link to the package to
 * open on an iPhone or Mac. Every value comes from API clients and is escaped.
 */
export function renderLandingPage(template: PassTemplate, pass: Pass, downloadUrl: string): string {
  const description = escapeHtml(template.description);
  const organization = escapeHtml(template.organizationName);
  const download = escapeHtml(downloadUrl);
  const voided = pass.showsAsVoided ? '<p class="note">This pass is no longer valid.</p>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${description}</title>
<style>
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; padding: 2rem 1rem; background: #f2f2f7; color: #1c1c1e; }
main { max-width: 28rem; margin: 0 auto; background: #fff; border-radius: 1rem; padding: 1.5rem; text-align: center; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p { margin: .5rem 0; }
.organization { color: #6e6e73; }
.note { color: #b00020; }
a.download { display: inline-block; margin-top: 1rem; padding: .75rem 1.25rem; border-radius: .75rem; background: #000; color: #fff; text-decoration: none; }
</style>
</head>
<body>
<main>
<h1>${description}</h1>
<p class="organization">${organization}</p>
${voided}<a class="download" href="${download}" download>Download the pass</a>
<p>Open it on an iPhone, iPad or Mac to add it to Apple Wallet.</p>
</main>
</body>
</html>
`;
}
