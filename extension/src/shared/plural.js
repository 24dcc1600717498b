// Counted phrases ("1 link", "2 links"; "1 个链接") through Intl.PluralRules. The browsers'
// i18n has no plurals, so each phrase is a set of message keys, one per plural category
// the UI languages use (English: one, other; Chinese: other only). Pure: tested under node.

/** The message keys of each counted phrase, by plural category ('other' is required). */
export const PHRASES = {
  links: { one: 'managerLinks_one', other: 'managerLinks_other' },
  selected: { one: 'managerSelected_one', other: 'managerSelected_other' },
  deleted: { one: 'managerDeleted_one', other: 'managerDeleted_other' },
  selectAll: { one: 'managerSelectAll_one', other: 'managerSelectAll_other' },
  allSelected: { one: 'managerAllSelected_one', other: 'managerAllSelected_other' },
  imported: { one: 'importImported_one', other: 'importImported_other' },
};

/** The plural category of n in a locale ('one', 'few', 'other', …); 'other' if unknown. */
export function pluralCategory(n, locale) {
  try {
    return cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(n);
  } catch {
    return 'other';
  }
}

// One Intl object per locale: making one costs far more than using it, and the manager
// formats a number for every row and every tag.
const pluralRules = new Map();
const numberFormats = new Map();
function cached(map, locale, make) {
  const key = String(locale ?? '');
  let value = map.get(key);
  if (!value) { value = make(); map.set(key, value); }
  return value;
}

/** n as the locale writes it: 100000 → "100,000". */
export function formatCount(n, locale) {
  try {
    return cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(n);
  } catch {
    return String(n);
  }
}

/**
 * The phrase for n: t(key, [n formatted, ...more]) with the key of n's category, falling
 * back to 'other' (a locale may use a category our messages do not have).
 */
export function plural(t, phrase, n, locale, more = []) {
  const keys = PHRASES[phrase];
  if (!keys) throw new Error(`no counted phrase "${phrase}"`);
  const key = keys[pluralCategory(n, locale)] ?? keys.other;
  return t(key, [formatCount(n, locale), ...more]);
}
