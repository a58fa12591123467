// The HTML pages (the status page and the responder board): one layout, one stylesheet, and the
// headers every page is served with. Pages are rendered on the server and work without
// JavaScript; the stylesheet follows `prefers-color-scheme` and fits a phone. Every value put
// into a page goes through `escapeHtml` (the templates' HTML escaping).
import { createHash } from "node:crypto"
import { Escaping } from "@ir/templates"

export const escapeHtml = Escaping.escapeHtml

/** The stylesheet of every page: light and dark by `prefers-color-scheme`, readable on a phone. */
export const pageCss = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;
--ok:#1a7f37;--minor:#9a6700;--major:#bc4c00;--critical:#cf222e;--maint:#0969da;--none-bar:#2da44e;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#161b22;
--ok:#3fb950;--minor:#d29922;--major:#f0883e;--critical:#ff7b72;--maint:#58a6ff;--none-bar:#2ea043;--focus:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:56rem;margin:0 auto;padding:1rem}
a{color:var(--focus)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
.muted{color:var(--muted)}
.banner{border-radius:6px;padding:.75rem 1rem;font-weight:600;color:#fff;margin:0 0 1rem}
.banner.none{background:#1a7f37}.banner.minor{background:#7d4e00}.banner.major{background:#953800}
.banner.critical{background:#a40e26}.banner.maintenance{background:#0550ae}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:0 0 .75rem}
.row{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;align-items:baseline}
.state{font-weight:600}
.state.operational{color:var(--ok)}.state.degraded_performance{color:var(--minor)}
.state.partial_outage{color:var(--major)}.state.major_outage{color:var(--critical)}.state.under_maintenance{color:var(--maint)}
.days{display:flex;gap:1px;margin:.5rem 0 .25rem;height:2rem;list-style:none;padding:0}
.days li{flex:1;background:var(--none-bar);border-radius:1px;min-width:1px}
.days li.minor{background:var(--minor)}.days li.major{background:var(--major)}.days li.critical{background:var(--critical)}
.days li.maintenance{background:var(--maint)}.days li.nodata{background:var(--line)}
.legend{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
.updates{list-style:none;padding:0;margin:.5rem 0 0}
.updates li{border-left:3px solid var(--line);padding:.1rem 0 .1rem .75rem;margin:0 0 .5rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.sev{display:inline-block;border-radius:4px;padding:0 .4rem;color:#fff;font-weight:700}
.sev.P0{background:#a40e26}.sev.P1{background:#953800}.sev.P2{background:#7d4e00}.sev.P3{background:#424a53}
form.inline{display:inline}
button,input,textarea,select{font:inherit;color:inherit}
button{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.3rem .8rem;cursor:pointer}
button.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}
input,textarea,select{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem;width:100%}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
.checklist{list-style:none;padding:0}
.checklist li::before{content:"☐ ";}
.checklist li.done::before{content:"☑ ";color:var(--ok)}
.error{border-color:var(--critical);color:var(--critical)}
footer{margin:2rem 0 1rem;font-size:.85rem;color:var(--muted)}
.overdue{color:var(--critical);font-weight:600}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
.facts div{display:contents}.facts dt{font-weight:600}.facts dd{margin:0}.facts ul{margin:0;padding-left:1.1rem}
.checklist form.inline button{padding:0 .5rem;font-size:.85rem}
`

const cssHash = `'sha256-${createHash("sha256").update(pageCss).digest("base64")}'`

/**
 * The headers of an HTML page: a Content-Security-Policy that allows the page's own stylesheet
 * and, when `scripts` is set, scripts from the same origin only; no framing, no sniffing.
 */
export const pageHeaders = (
  cacheControl: string,
  options: { readonly scripts?: boolean; readonly connect?: boolean } = {},
): Readonly<Record<string, string>> => ({
  "content-type": "text/html; charset=utf-8",
  "cache-control": cacheControl,
  "content-security-policy": [
    "default-src 'none'",
    `style-src ${cssHash}`,
    "img-src 'self' data:",
    ...(options.scripts === true ? ["script-src 'self'"] : []),
    ...(options.connect === true ? ["connect-src 'self'"] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
})

/** A whole page: `body` is HTML already escaped by its builder. */
export const htmlPage = (options: {
  readonly title: string
  readonly body: string
  readonly scripts?: ReadonlyArray<string>
  readonly head?: string
}): string =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)}</title>
<style>${pageCss}</style>
${options.head ?? ""}${(options.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join("\n")}
</head>
<body>
<main>
${options.body}
</main>
</body>
</html>
`
