import type { RedactionKind } from './redactions.ts';

/**
 * The key deny-list: a prop whose key names personal data has its whole value replaced by
 * `[redacted:<kind>]`, whatever the value's type, because the key tells us what the value is even
 * when no detector would recognise it ("name": "Ada", "dob": "03/04", "city": "Leeds").
 *
 * Keys are compared as words: `userEmail`, `user-email`, `user_email`, `USER.EMAIL` and
 * `useremail` all normalise to the words "user email" (or "useremail"), and an entry matches when
 * its words, joined, equal a run of the key's words joined. Each entry has a scope:
 * - `word`: anywhere in the key. For terms that name personal data wherever they appear
 *   ("email", "phone", "password", "iban", "latitude", "first name", "date of birth").
 * - `suffix`: only as the key's last words. For terms that are personal as the subject of the
 *   key but not as a qualifier: "access_token" is a credential, "token_count" is not;
 *   "client_secret" is, "secret_level" (a game) is not; "home_city" is, "city_id" is not.
 * - `exact`: only as the whole key. For words too common to match inside other keys: "name"
 *   alone is most often a person ("name": "Ada"), while "quest_name", "file_name", "page_name"
 *   are not; "mobile" alone is a phone number, "is_mobile" is a flag.
 *
 * Choices worth knowing:
 * - Quasi-identifiers that make a child findable when combined (birth date, postcode, street,
 *   city, precise coordinates) are denied; coarse ones that analytics need (country, age band,
 *   locale, grade) are not.
 * - The app's own account ids and device/advertising ids are denied (kind `identifier`): Ebb
 *   links events to a subject through its pseudonym (P2), so an id in props would undo that.
 * - A `word` match is not applied when the key ends with a qualifier that describes the value
 *   instead of holding it ("email_verified", "phone_type", "password_strength", "ip_country").
 * - Plurals of `word` entries match ("emails", "ip_addresses"), and a few unambiguous entries
 *   match at the end of glued lower-case words ("useremail", "newpassword").
 * - "location" alone is not denied: in web analytics it is most often the page URL. Its value is
 *   still scrubbed as text like every other string.
 * - A few German, French and Spanish terms are included for the tenants Ebb is first deployed for.
 */

type Scope = 'word' | 'suffix' | 'exact';
type Entries = Partial<Record<Scope, readonly string[]>>;

// Order matters: when several entries match one key, the earlier kind wins ("email_address" is
// an e-mail, "ip_address" an IP, "mac_address" an identifier before "address" applies).
const DEFAULT_ENTRIES: ReadonlyArray<readonly [RedactionKind, Entries]> = [
  ['email', { word: ['email', 'email address', 'mail address', 'courriel', 'correo'], exact: ['mail'] }],
  [
    'phone',
    {
      word: ['phone', 'telephone', 'phone number', 'cellphone', 'mobile number', 'mobile phone', 'msisdn', 'fax',
        'telefon', 'telefono', 'telefonnummer', 'handynummer'],
      suffix: ['tel'],
      exact: ['mobile', 'cell', 'handy'],
    },
  ],
  ['ip', { word: ['ip', 'ip address', 'ipv4', 'ipv6', 'remote addr', 'remote address', 'forwarded for', 'real ip'] }],
  ['card', { word: ['card number', 'credit card', 'debit card', 'cc number', 'cc num', 'card num', 'cvv', 'cvv2', 'cvc', 'card expiry', 'card exp', 'security code'] }],
  ['iban', { word: ['iban', 'bank account', 'account number', 'routing number', 'sort code'] }],
  [
    'national_id',
    {
      word: ['ssn', 'social security', 'national id', 'national insurance', 'nino', 'passport', 'tax id', 'tax number',
        'tax code', 'driver license', 'drivers license', 'driving licence', 'driving license', 'nhs number', 'personnummer',
        'aadhaar', 'codice fiscale', 'fiscal code', 'id number', 'id card', 'identity number', 'identity card'],
      exact: ['sin', 'tin', 'nir', 'dni', 'nie', 'cpf'],
    },
  ],
  [
    'password',
    {
      word: ['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'pin code', 'security answer', 'secret answer', 'otp',
        'one time password', 'passwort', 'mot de passe', 'contrasena'],
      suffix: ['pin'],
    },
  ],
  [
    'credential',
    {
      word: ['access token', 'refresh token', 'id token', 'auth token', 'bearer', 'api key', 'api secret', 'secret key',
        'private key', 'access key', 'signing key', 'session token', 'session id', 'session key', 'sessid', 'jsessionid',
        'phpsessid', 'cookie', 'set cookie', 'authorization', 'credential', 'credentials', 'csrf', 'xsrf', 'totp',
        'recovery code', 'backup code'],
      suffix: ['token', 'secret', 'secrets'],
      exact: ['auth', 'sid'],
    },
  ],
  [
    'birthdate',
    {
      word: ['birthday', 'birthdate', 'birth date', 'date of birth', 'dob', 'birth year', 'year of birth', 'birthplace',
        'place of birth', 'geburtsdatum', 'geburtstag', 'date de naissance', 'date naissance', 'fecha de nacimiento', 'fecha nacimiento'],
    },
  ],
  [
    'identifier',
    {
      word: ['user id', 'username', 'login id', 'login name', 'screen name', 'student id', 'student number', 'learner id',
        'pupil id', 'child id', 'guardian id', 'teacher id', 'staff id', 'employee id', 'customer id', 'member id',
        'account id', 'device id', 'advertising id', 'ad id', 'idfa', 'idfv', 'gaid', 'aaid', 'android id', 'imei',
        'imsi', 'udid', 'mac address', 'license plate', 'number plate'],
      exact: ['uid', 'user', 'login', 'benutzername'],
    },
  ],
  [
    'name',
    {
      word: ['first name', 'last name', 'fname', 'lname', 'full name', 'given name', 'family name', 'middle name', 'maiden name', 'surname',
        'forename', 'nickname', 'display name', 'real name', 'legal name', 'preferred name', 'contact name', 'student name',
        'learner name', 'pupil name', 'child name', 'parent name', 'guardian name', 'teacher name', 'customer name',
        'recipient name', 'sender name', 'cardholder', 'card holder', 'account holder', 'vorname', 'nachname', 'prenom',
        'nombre', 'apellido', 'apellidos'],
      exact: ['name', 'names', 'nom'],
    },
  ],
  [
    'address',
    {
      word: ['address', 'street', 'street address', 'address line', 'postcode', 'post code', 'postal code', 'zip code',
        'zipcode', 'house number', 'home address', 'billing address', 'shipping address', 'mailing address', 'city name',
        'hometown', 'strasse', 'adresse', 'direccion', 'postleitzahl'],
      suffix: ['zip', 'city', 'town'],
      exact: ['plz'],
    },
  ],
  [
    'location',
    {
      word: ['latitude', 'longitude', 'lat', 'lng', 'lon', 'geolocation', 'geo location', 'gps', 'coordinates', 'coords',
        'geopoint', 'geo point', 'geohash', 'precise location'],
      exact: ['geo'],
    },
  ],
];

/** Last words that describe a value instead of holding it: "email_verified", "ip_country". */
const QUALIFIERS = new Set([
  'verified', 'valid', 'validated', 'enabled', 'disabled', 'count', 'length', 'type', 'kind', 'status', 'strength',
  'format', 'provided', 'present', 'required', 'changed', 'updated', 'error', 'errors', 'consent', 'optin', 'exists',
  'country', 'accepted', 'declined', 'allowed',
]);

/**
 * Entries also found at the end of a glued lower-case word ("useremail", "newpassword",
 * "billingaddress"). Only these: "phone" would catch "smartphone", "ip" would catch "zip".
 */
const GLUED_SUFFIXES = ['email', 'password', 'passwd', 'address', 'birthday', 'birthdate', 'username', 'firstname',
  'lastname', 'fullname', 'surname', 'postcode', 'zipcode', 'latitude', 'longitude', 'phonenumber'];

const MAX_WINDOW = 4;
const CACHE_LIMIT = 10_000;

/**
 * The words of a key, lower-case: split at non-alphanumerics, at lower->upper case changes
 * (`userEmail`), at acronym ends (`APIKey` -> api key) and at letter<->digit changes (`address1`).
 */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let current = '';
  let prevClass = 0; // 0 none, 1 lower, 2 upper, 3 digit
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    const c = key.charCodeAt(i);
    const cls = c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : /[\p{L}\p{N}]/u.test(ch) ? 1 : 0;
    if (cls === 0) {
      if (current) words.push(current);
      current = '';
      prevClass = 0;
      continue;
    }
    let split = false;
    if (current) {
      if (cls === 2 && (prevClass === 1 || prevClass === 3)) split = true;
      else if (cls === 3 && prevClass !== 3) split = true;
      else if (cls === 1 && prevClass === 3) split = true;
      // "APIKey": the upper-case letter before a lower-case one starts the next word.
      else if (cls === 1 && prevClass === 2 && current.length > 1) {
        const beforeLast = key.charCodeAt(i - 2);
        if (beforeLast >= 65 && beforeLast <= 90) {
          words.push(current.slice(0, -1));
          current = current.slice(-1);
        }
      }
    }
    if (split) {
      words.push(current);
      current = '';
    }
    current += ch.toLowerCase();
    prevClass = cls;
  }
  if (current) words.push(current);
  return words;
}

export interface KeyDenyList {
  /** The kind of personal data a key names, or null when its value may be kept (and scrubbed). */
  match(key: string): RedactionKind | null;
}

/** Where a run of a key's words sits, which decides the scopes that may match it. */
interface Window {
  atEnd: boolean;
  whole: boolean;
  qualified: boolean;
  plural: boolean;
}

interface Rule {
  kind: RedactionKind;
  scope: Scope;
  priority: number;
}

/**
 * The default deny-list extended by a tenant's own keys. Extra keys match as `word` entries
 * (anywhere in a key, plurals included) with kind `custom`, unless a default entry matches first.
 */
export function createKeyDenyList(extraKeys: readonly string[] = []): KeyDenyList {
  const rules = new Map<string, Rule[]>();
  let priority = 0;
  const add = (phrase: string, kind: RedactionKind, scope: Scope): void => {
    const joined = keyWords(phrase).join('');
    if (!joined) return;
    const list = rules.get(joined) ?? [];
    list.push({ kind, scope, priority: priority++ });
    rules.set(joined, list);
  };
  for (const [kind, entries] of DEFAULT_ENTRIES) {
    for (const scope of ['word', 'suffix', 'exact'] as const) {
      for (const phrase of entries[scope] ?? []) add(phrase, kind, scope);
    }
  }
  for (const key of extraKeys) add(key, 'custom', 'word');

  const cache = new Map<string, RedactionKind | null>();

  function better(best: Rule | null, candidates: readonly Rule[] | undefined, at: Window): Rule | null {
    if (candidates === undefined) return best;
    for (const rule of candidates) {
      if (best !== null && rule.priority >= best.priority) continue;
      if (at.plural && rule.scope !== 'word') continue;
      if (rule.scope === 'suffix' && !at.atEnd) continue;
      if (rule.scope === 'exact' && !at.whole) continue;
      if (rule.scope === 'word' && !at.atEnd && at.qualified) continue;
      best = rule;
    }
    return best;
  }

  function lookup(words: readonly string[]): RedactionKind | null {
    const n = words.length;
    const qualified = n > 1 && QUALIFIERS.has(words[n - 1]!);
    let best: Rule | null = null;
    for (let i = 0; i < n; i++) {
      let joined = '';
      for (let j = i; j < n && j < i + MAX_WINDOW; j++) {
        joined += words[j];
        const at: Window = { atEnd: j === n - 1, whole: i === 0 && j === n - 1, qualified, plural: false };
        best = better(best, rules.get(joined), at);
        if (joined.endsWith('s')) {
          at.plural = true;
          best = better(best, rules.get(joined.slice(0, -1)), at);
          if (joined.endsWith('es')) best = better(best, rules.get(joined.slice(0, -2)), at);
        }
      }
    }
    if (best !== null) return best.kind;
    for (let i = 0; i < n; i++) {
      const word = words[i]!;
      if (i < n - 1 && qualified) continue;
      for (const suffix of GLUED_SUFFIXES) {
        if (word.length > suffix.length && word.endsWith(suffix)) best = better(best, rules.get(suffix), { atEnd: true, whole: false, qualified, plural: false });
      }
    }
    return best === null ? null : best.kind;
  }

  return {
    match(key: string): RedactionKind | null {
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const kind = lookup(keyWords(key));
      // Keys repeat a lot; a client sending endless distinct keys only resets the cache.
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, kind);
      return kind;
    },
  };
}
