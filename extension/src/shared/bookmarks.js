// The browser's bookmark tree (bookmarks.getTree()) turned into the host `import`
// command's `bookmarks` list, for the folders a person chose. Pure: tested under node.
//
// The tree's top level (Chrome's "Bookmarks bar", "Other bookmarks"; Firefox's "Bookmarks
// Menu", "Bookmarks Toolbar", …) is named in the browser's language, so those names are
// dropped here rather than by the host's English list: the host is told keep_root_folders.

/**
 * Every folder below the roots, depth first: [{id, path: ['dev', 'cpp'], title, depth,
 * links (bookmarks directly in it), parentId}]. Each root is listed too (path [], depth 0)
 * when it holds anything, so its loose bookmarks can be chosen.
 */
export function folderList(tree) {
  const out = [];
  const roots = tree?.[0]?.children ?? [];
  const walk = (node, path, depth, parentId) => {
    const children = node.children ?? [];
    const entry = { id: node.id, title: node.title ?? '', path, depth, parentId,
      links: children.filter(isBookmark).length };
    out.push(entry);
    for (const child of children) if (isFolder(child)) walk(child, [...path, child.title ?? ''], depth + 1, node.id);
  };
  for (const root of roots) if (isFolder(root)) walk(root, [], 0, null);
  return out;
}

/** The ids of `folderId` and every folder below it in `folders` (from folderList). */
export function withDescendants(folders, folderId) {
  const ids = new Set([folderId]);
  for (const f of folders) if (f.parentId !== null && ids.has(f.parentId)) ids.add(f.id);
  return ids;
}

/**
 * The bookmarks in the chosen folders (a Set of folder ids) as the host's `bookmarks`
 * argument: [{url, title, folders, added_at}] (folders without the root, added_at in ms).
 * Only http(s) addresses are sent; the rest are counted by scheme in `skipped`.
 */
export function bookmarksToImport(tree, chosen) {
  const bookmarks = [];
  const skipped = {};
  const roots = tree?.[0]?.children ?? [];
  const walk = (node, path) => {
    for (const child of node.children ?? []) {
      if (isFolder(child)) { walk(child, [...path, child.title ?? '']); continue; }
      if (!isBookmark(child) || !chosen.has(node.id)) continue;
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(child.url)?.[1]?.toLowerCase() ?? '';
      if (scheme !== 'http' && scheme !== 'https') { skipped[`${scheme}:`] = (skipped[`${scheme}:`] ?? 0) + 1; continue; }
      const entry = { url: child.url, title: child.title ?? '', folders: path.filter((p) => p !== '') };
      if (Number.isFinite(child.dateAdded)) entry.added_at = Math.trunc(child.dateAdded);
      bookmarks.push(entry);
    }
  };
  for (const root of roots) if (isFolder(root)) walk(root, []);
  return { bookmarks, skipped };
}

function isFolder(node) { return !node.url && Array.isArray(node.children); }
function isBookmark(node) { return node.type !== 'separator' && typeof node.url === 'string' && node.url !== ''; }
