/**
 * Whether a browser adds a `.pkpass` to Wallet by itself when handed one: Safari on iOS and iPadOS
 * (including iPadOS 13+, which presents itself as desktop macOS) and Safari on macOS. Every other
 * browser gets the landing page, which names the pass and links to the download (DESIGN.md,
 * Public URLs). Safari says `Version/x … Safari/y`; Chrome, Firefox, Edge and Opera put their own
 * tokens next to "Safari", and in-app web views lack `Version/`, so both are ruled out.
 */
export function opensPassesNatively(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  const apple = /\b(iPhone|iPad|iPod|Macintosh)\b/.test(userAgent);
  const safari = /\bVersion\/[\d.]+.*\bSafari\//.test(userAgent);
  const otherBrowser = /\b(CriOS|FxiOS|EdgiOS|EdgA?|OPiOS|OPR|Chrome|Chromium|Firefox|Android)\b/.test(userAgent);
  return apple && safari && !otherBrowser;
}
