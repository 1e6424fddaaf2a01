/** The report's stylesheet, inlined so report.html opens offline from a single file. */
export const HTML_STYLE = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dee7; --bg:#f6f7f9; --ok:#1e7b34; --bad:#b3261e; --never:#ffd9d6; --warm:#e8f1fb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header { background: #1d2330; color: #fff; padding: 16px 24px; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: #c5cbd6; }
main { padding: 16px 24px 48px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
h2 { font-size: 17px; margin: 4px 0 12px; }
h3 { font-size: 15px; margin: 4px 0 8px; word-break: break-word; }
.verdict { font-weight: 700; font-size: 16px; }
.verdict.pass { color: var(--ok); }
.verdict.fail { color: var(--bad); }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px 16px; margin: 0; }
.summary div { border-left: 3px solid var(--line); padding-left: 8px; }
.summary dt { color: var(--muted); font-size: 12px; }
.summary dd { margin: 0; font-size: 16px; font-weight: 600; word-break: break-word; }
pre, code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f3f4f7; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 420px; margin: 6px 0; }
code.replay { display: block; background: #1d2330; color: #e6edf3; padding: 6px 8px; border-radius: 4px; user-select: all; }
.bucket { border-left: 4px solid var(--bad); }
.meta { color: var(--muted); margin: 0 0 6px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.sides h4 { margin: 6px 0 0; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: right; }
table.coverage { font-size: 11px; }
table.coverage th, table.coverage td { padding: 2px 4px; }
table.coverage th { font-weight: 600; max-width: 72px; }
th { background: #eef1f5; font-weight: 600; }
td.label, th.label { text-align: left; }
td.never { background: var(--never); color: var(--bad); font-weight: 700; }
td.hit { background: var(--warm); }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 8px; border: 1px solid var(--line); }
.legend .never { background: var(--never); color: var(--bad); }
.note { color: var(--muted); font-size: 12px; }
.scroll { overflow-x: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
`;
