// "New tag…" from the context menu: asks for tag names, then tags the page or link (a page
// that is not saved yet is saved first, by the background's tag.url).
import { errorText, localize, send, t } from './common.js';
import { parseTags } from '../shared/format.js';
import { displayUrl } from '../shared/url.js';

const params = new URLSearchParams(location.search);
const url = params.get('url') ?? '';
const tab = params.has('tab') ? Number(params.get('tab')) : undefined;

localize();
document.getElementById('label').textContent = t('newTagLabel', [displayUrl(url)]);
document.getElementById('tags').focus();
document.getElementById('form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const tags = parseTags(document.getElementById('tags').value);
  const status = document.getElementById('status');
  if (!tags.length) return;
  status.className = 'small muted';
  status.textContent = t('pageSaving');
  try {
    const args = { url, tags };
    if (Number.isInteger(tab)) args.tabId = tab;
    await send('tag.url', args);
    window.close();
  } catch (e) {
    status.className = 'small error';
    status.textContent = errorText(e);
  }
});
