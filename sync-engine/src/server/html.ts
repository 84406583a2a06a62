/** Server-rendered HTML: every dynamic value goes through `escapeHtml`; no script, one hashed stylesheet. */
import { createHash } from 'node:crypto';

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#181818}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.status-connected,.status-Completed{color:#2e844a}.status-Completed-with-errors{color:#a96404}.status-needs_reconnection,.status-Failed{color:#ba0517}
pre{white-space:pre-wrap;background:#f3f3f3;padding:.5rem;margin:0}form{display:inline}
.demo{background:#fef1cd;padding:.5rem;border-left:4px solid #a96404}
.status-Running,.status-Queued,.paused{color:#0b5cab}.progress{background:#eef4ff;padding:.5rem;border-left:4px solid #0b5cab}
th[scope=row]{width:12rem}small{color:#555}nav{margin:.5rem 0}label{margin-right:.5rem}
`;

/** The stylesheet's CSP source: the pages carry no other inline content. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );
}

/** A whole page; `refreshSeconds`: the browser reloads it that often (a run in progress: no script needed). */
export function page(title: string, body: string, options: { refreshSeconds?: number } = {}): string {
  const refresh = options.refreshSeconds
    ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${refresh}<title>${escapeHtml(title)} · WalkMe Sync Engine</title>
<style>${PAGE_STYLE}</style></head><body>${body}</body></html>`;
}
