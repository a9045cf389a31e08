/**
 * The HTML report's stylesheet and script. They are inlined into the page and
 * allowed by their SHA-256 in its Content-Security-Policy, so the page needs
 * nothing from anywhere and runs no other code.
 */

/**
 * Severity colours carry meaning and nothing else is coloured strongly. Each
 * has at least 4.5:1 contrast with white (WCAG AA for normal text), both as
 * white-on-colour badges and as colour-on-white text.
 */
export const SEVERITY_COLOURS = {
  critical: '#9b1c1c',
  high: '#c2410c',
  medium: '#8a6100',
  low: '#1d5fbf',
  info: '#52606d',
} as const;

/** Markers of keys without findings on the expiry timeline. */
export const NEUTRAL_COLOUR = '#52606d';

export const STYLE = `
:root{--ink:#101828;--muted:#475467;--line:#d0d5dd;--soft:#f2f4f7;--band:#0b1726;--accent:#1d5fbf;
--critical:${SEVERITY_COLOURS.critical};--high:${SEVERITY_COLOURS.high};--medium:${SEVERITY_COLOURS.medium};--low:${SEVERITY_COLOURS.low};--info:${SEVERITY_COLOURS.info}}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:.86em}
a{color:var(--accent)}
.wrap{max-width:1240px;margin:0 auto;padding:0 24px}
header.top{background:var(--band);color:#fff;padding:20px 0 18px}
header.top .eyebrow{margin:0;font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:#c8d1dc}
header.top h1{margin:2px 0 10px;font-size:28px;line-height:1.2;font-weight:650;overflow-wrap:anywhere}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0}
.facts div{display:flex;gap:6px}
.facts dt{color:#c8d1dc}
.facts dd{margin:0;font-weight:600}
main.wrap{padding-top:20px;padding-bottom:40px}
h2{font-size:18px;margin:28px 0 10px;line-height:1.3}
h2 .n{color:var(--muted);font-weight:500}
.overview{display:grid;grid-template-columns:minmax(280px,1fr) minmax(0,2fr);gap:16px}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;background:#fff;min-width:0}
.card h2{margin:0 0 8px;font-size:15px}
.big{font-size:30px;font-weight:700;line-height:1.1;margin:0 0 6px}
.big span{font-size:14px;font-weight:500;color:var(--muted)}
svg{display:block;width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;font-size:12px;fill:var(--ink)}
svg .axis{stroke:#98a2b3;stroke-width:1}
svg .grid{stroke:#eaecf0;stroke-width:1}
svg .tick{fill:var(--muted);font-size:11px}
svg .count{font-weight:700}
svg .label{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.soon{margin:8px 0 0;padding:0;list-style:none;font-size:13px;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:2px 24px}
.soon li{display:flex;align-items:baseline;gap:8px;min-width:0;padding:1px 0}
.soon .when{flex:none;font-variant-numeric:tabular-nums;color:var(--muted);min-width:6.5em}
.soon bdi{flex:0 1 auto;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.soon .sev{flex:none;min-width:0;font-size:11px;padding:0 5px}
.muted{color:var(--muted)}
.sev{display:inline-block;min-width:5.6em;padding:1px 7px;border-radius:4px;color:#fff;font-size:12px;font-weight:700;text-align:center;text-transform:uppercase;letter-spacing:.03em;vertical-align:1px}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.filters{display:flex;flex-wrap:wrap;align-items:end;gap:10px 16px;margin:0 0 12px;padding:10px 12px;background:var(--soft);border-radius:8px}
.filters label{display:flex;flex-direction:column;font-size:12px;font-weight:600;color:var(--muted);gap:2px}
.filters select{font:inherit;font-size:14px;color:var(--ink);padding:4px 6px;border:1px solid #98a2b3;border-radius:6px;background:#fff;max-width:22em}
.filters button{font:inherit;font-size:14px;padding:5px 12px;border:1px solid #98a2b3;border-radius:6px;background:#fff;color:var(--ink);cursor:pointer}
.filters output{margin-left:auto;font-size:13px;color:var(--muted)}
.keys{display:flex;flex-direction:column;gap:10px}
.key{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:8px;padding:10px 14px 12px;background:#fff}
.key.w-critical{border-left-color:var(--critical)}.key.w-high{border-left-color:var(--high)}.key.w-medium{border-left-color:var(--medium)}.key.w-low{border-left-color:var(--low)}
.key-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 16px;margin-bottom:8px}
.key-head h3{margin:0;font-size:16px;overflow-wrap:anywhere}
.key-head .client{color:var(--muted);overflow-wrap:anywhere}
.owner{margin-left:auto;font-size:13px;text-align:right;overflow-wrap:anywhere}
.status{display:inline-block;margin-left:4px;padding:0 6px;border-radius:4px;font-size:11px;font-weight:700;border:1px solid currentColor}
.status-bad{color:var(--critical)}
.key-body{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:8px 24px}
.key-body h4{margin:0 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.findings,.advice{margin:0;padding:0;list-style:none}
.findings li{padding:3px 0;overflow-wrap:anywhere}
.findings .title{font-weight:600}
.findings .msg{display:block;margin-left:6.4em;color:var(--muted);font-size:14px}
.tag{display:inline-block;margin-left:4px;padding:0 5px;border-radius:4px;background:#e0eaff;color:#1d3f8f;font-size:11px;font-weight:700;vertical-align:1px}
.advice li{padding:3px 0 3px 12px;border-left:2px solid var(--line);margin-bottom:4px;font-size:14px;overflow-wrap:anywhere}
.empty{padding:18px;border:1px dashed var(--line);border-radius:8px;color:var(--muted);text-align:center}
table.list{width:100%;border-collapse:collapse;font-size:14px}
table.list th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);padding:6px 8px}
table.list td{border-bottom:1px solid #eaecf0;padding:6px 8px;vertical-align:top;overflow-wrap:anywhere}
details.clean summary{cursor:pointer;font-weight:600;margin:28px 0 10px}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:13px;padding:14px 0 28px}
@media (max-width:900px){.overview{grid-template-columns:1fr}.key-body{grid-template-columns:1fr}.owner{margin-left:0;text-align:left}}
@media (max-width:600px){.soon{grid-template-columns:1fr}}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10pt}
.wrap{max-width:none;padding:0}
header.top{background:none;color:#000;border-bottom:2px solid #000;padding:0 0 8px}
header.top .eyebrow,.facts dt{color:#333}
.filters,details.clean{display:none!important}
.soon{grid-template-columns:repeat(2,minmax(0,1fr))}
.overview{grid-template-columns:1fr 2fr}
.card,.key{break-inside:avoid}
a{color:inherit;text-decoration:none}
h2{break-after:avoid}
}
`;

/**
 * Progressive enhancement: with JavaScript the filter bar appears and hides
 * keys and findings that do not match. It only toggles `hidden` and sets one
 * text node; it reads no report data except the data-* attributes.
 */
export const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var keys = Array.prototype.slice.call(document.querySelectorAll('.key'));
  var rows = keys.map(function (key) {
    return { key: key, owner: key.getAttribute('data-owner'), items: Array.prototype.slice.call(key.querySelectorAll('.finding')) };
  });
  var shown = document.getElementById('shown');
  var none = document.getElementById('no-match');
  function apply() {
    var severity = form.elements.namedItem('severity').value;
    var rule = form.elements.namedItem('rule').value;
    var owner = form.elements.namedItem('owner').value;
    var min = severity === '' ? -1 : rank[severity];
    var count = 0;
    rows.forEach(function (row) {
      var any = false;
      row.items.forEach(function (item) {
        var match = rank[item.getAttribute('data-severity')] >= min && (rule === '' || item.getAttribute('data-rule') === rule);
        item.hidden = !match;
        if (match) any = true;
      });
      var visible = any && (owner === '' || row.owner === owner);
      row.key.hidden = !visible;
      if (visible) count += 1;
    });
    shown.textContent = count + ' of ' + rows.length + ' keys shown';
    none.hidden = count !== 0 || rows.length === 0;
  }
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();
`;
