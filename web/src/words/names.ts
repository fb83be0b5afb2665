import { currentLang, label } from './i18n.js';

/** Country and language names in the page's language (Intl.DisplayNames): codes only on the wire. */

// ISO 3166-1 alpha-2, the list the API validates with (validator's isISO31661Alpha2)
const COUNTRIES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  );
// ISO 639-1, and Nigerian Pidgin (pcm): what the API's LANGUAGE_CODE takes
const LANGUAGES =
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu pcm'.split(
    ' ',
  );

const upperFirst = (s: string) => s.charAt(0).toLocaleUpperCase(currentLang()) + s.slice(1);
const cache = new Map<string, [string, string][]>();
const englishCache = new Map<string, Map<string, string>>();

/** The name of a code in one language (Intl, then the pages' own words), or null when only the code is known. */
function nameIn(names: Intl.DisplayNames, type: 'region' | 'language', c: string, own: boolean): string | null {
  let n: string | undefined;
  try {
    n = names.of(c);
  } catch {
    n = undefined;
  }
  // a name the browser does not know (pcm in some ICU builds) comes from the pages' own words
  if (!n && own) n = label(type, c);
  return n && n.toLocaleLowerCase() !== c.toLocaleLowerCase() ? n : null;
}

/** Every code the browser (or the pages) can name: [code, name]; a code it cannot name is left out. */
function allNamed(type: 'region' | 'language', codes: string[]): [string, string][] {
  const key = `${type}:${currentLang()}`;
  if (!cache.has(key)) {
    const names = new Intl.DisplayNames([currentLang()], { type, fallback: 'none' });
    const english = currentLang() === 'en' ? null : new Intl.DisplayNames(['en'], { type, fallback: 'none' });
    cache.set(
      key,
      codes
        .map((c): [string, string | null] => [c, nameIn(names, type, c, true) ?? (english && nameIn(english, type, c, false))])
        .filter((x): x is [string, string] => x[1] !== null)
        .map(([c, n]): [string, string] => [c, upperFirst(n)]),
    );
  }
  return cache.get(key)!;
}

/** The list offered: sorted by name, one entry per name ("Akan" is both ak and tw: the first code is kept). */
function named(type: 'region' | 'language', codes: string[]): [string, string][] {
  const key = `offered:${type}:${currentLang()}`;
  if (!cache.has(key)) {
    const seen = new Set<string>();
    cache.set(
      key,
      allNamed(type, codes)
        .filter(([, n]) => {
          const k = n.toLocaleLowerCase(currentLang());
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        })
        .sort((a, b) => a[1].localeCompare(b[1], currentLang(), { sensitivity: 'base' })),
    );
  }
  return cache.get(key)!;
}

/** The English names of the languages offered, for a person who types "English" or "Pidgin" on an Italian page. */
function englishNames(): Map<string, string> {
  const key = currentLang();
  if (!englishCache.has(key)) {
    const english = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    const m = new Map<string, string>();
    for (const [c] of languageOptions()) {
      const n = nameIn(english, 'language', c, false) ?? (c === 'pcm' ? 'Nigerian Pidgin' : null);
      if (n) m.set(c, n);
    }
    englishCache.set(key, m);
  }
  return englishCache.get(key)!;
}

/** [code, name] pairs sorted by name. */
export const countryOptions = () => named('region', COUNTRIES);
export const languageOptions = () => named('language', LANGUAGES);
export const countryName = (code: string) => allNamed('region', COUNTRIES).find(([c]) => c === code)?.[1] ?? code;
export const languageName = (code: string) => allNamed('language', LANGUAGES).find(([c]) => c === code)?.[1] ?? code;

/** The language a person typed ("inglese", "English", "en", "pidgin"): its code, or null.
 * A whole name in the page's language or in English, or a code; else a whole word of one name only. */
export function languageCode(typed: string): string | null {
  const lower = (s: string) => s.toLocaleLowerCase(currentLang());
  const x = lower(typed.trim());
  if (!x) return null;
  const english = englishNames();
  const named = languageOptions().map(([c, n]): [string, string[]] => [c, [n, english.get(c) ?? ''].filter(Boolean).map(lower)]);
  const exact = named.find(([c, ns]) => c === x || ns.includes(x));
  if (exact) return exact[0];
  // "pidgin" → Pidgin nigeriano / Nigerian Pidgin: a whole word of one language's name alone
  const words = (n: string) => n.split(/[\s()\-,]+/).filter(Boolean);
  const some = named.filter(([, ns]) => ns.some((n) => words(n).includes(x)));
  return x.length >= 3 && some.length === 1 ? some[0][0] : null;
}
