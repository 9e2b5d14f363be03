// The web UI's entry (bundled by esbuild into dist/webui/index.js). Page-wide
// styles go in as a constructable stylesheet: the CSP allows no inline style.
import './app/sb-app.ts';

const sheet = new CSSStyleSheet();
sheet.replaceSync('body { margin: 0; background: #f6f7fb; }');
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
