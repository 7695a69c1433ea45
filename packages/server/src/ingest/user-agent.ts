/**
 * User agents reduced to families (P1): Ebb keeps "Chrome on Android, mobile", never the string,
 * which with its versions and device model is a fingerprinting aid.
 */
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'unknown';

export interface UserAgentInfo {
  readonly browser: string;
  readonly os: string;
  readonly deviceType: DeviceType;
}

type Rule = readonly [RegExp, string];

// Named crawlers, automation and HTTP libraries first (they give the "browser" name), then a
// generic catch-all. "CUBOT" is a phone brand, not a bot.
const BOTS: readonly Rule[] = [
  [/Googlebot|Google-InspectionTool|AdsBot-Google|Mediapartners-Google|APIs-Google|FeedFetcher-Google|GoogleOther|Google-Read-Aloud/i, 'Googlebot'],
  [/bingbot|BingPreview|msnbot|adidxbot/i, 'Bingbot'],
  [/Yandex\w*Bot|YandexImages|YandexMetrika/i, 'YandexBot'],
  [/Baiduspider/i, 'Baiduspider'],
  [/DuckDuckBot|DuckAssistBot|DuckDuckGo-Favicons-Bot/i, 'DuckDuckBot'],
  [/Applebot/i, 'Applebot'],
  [/facebookexternalhit|facebookcatalog|meta-externalagent/i, 'Facebook crawler'],
  [/GPTBot|ChatGPT-User|OAI-SearchBot/i, 'OpenAI crawler'],
  [/ClaudeBot|Claude-Web|anthropic-ai/i, 'Anthropic crawler'],
  [/HeadlessChrome/, 'Headless Chrome'],
  [/PhantomJS/, 'PhantomJS'],
  [/Chrome-Lighthouse|Lighthouse/, 'Lighthouse'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/python-requests/i, 'python-requests'],
  [/python-urllib|python-httpx|aiohttp|^Python\//i, 'Python'],
  [/Go-http-client/i, 'Go'],
  [/okhttp/i, 'OkHttp'],
  [/^Java\/|Apache-HttpClient/i, 'Java'],
  [/^axios\/|node-fetch|undici|^got \(|^node$|^Deno\/|^Bun\//i, 'Node.js'],
  [/PostmanRuntime|insomnia|HTTPie/i, 'API client'],
  [/libwww-perl|Scrapy|Guzzle|^PHP\/|^Ruby|Faraday|^Dart\/|reqwest/i, 'HTTP library'],
  [/UptimeRobot|Pingdom|StatusCake|Site24x7|GTmetrix|Datadog|NewRelicPinger|Checkly/i, 'Uptime monitor'],
  [/(?<!cu)bot\b|crawler|spider|scraper|Slurp|archiver|fetcher|WhatsApp\/|TelegramBot|Discordbot|Slackbot/i, 'Other bot'],
];

const BROWSERS: readonly Rule[] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/Opera Mini/, 'Opera Mini'],
  [/OPR\/|OPT\/|OPiOS\/|OPX\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/YaBrowser\//, 'Yandex Browser'],
  [/UCBrowser\/|UCWEB/, 'UC Browser'],
  [/Vivaldi\//, 'Vivaldi'],
  [/Brave\//, 'Brave'],
  [/DuckDuckGo\/|Ddg\//, 'DuckDuckGo'],
  [/MiuiBrowser\//, 'MIUI Browser'],
  [/HuaweiBrowser\//, 'Huawei Browser'],
  [/Silk\//, 'Silk'],
  [/FBAN\/|FBAV\/|FB_IAB/, 'Facebook'],
  [/Instagram/, 'Instagram'],
  [/musical_ly|TikTok|BytedanceWebview/, 'TikTok'],
  [/Snapchat/, 'Snapchat'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/CriOS\//, 'Chrome'],
  [/; wv\).*Chrome\//, 'Android WebView'],
  [/Chromium\//, 'Chromium'],
  [/Chrome\//, 'Chrome'],
  [/MSIE |Trident\//, 'Internet Explorer'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  // iOS apps embedding WebKit send no "Safari/" token.
  [/(?:iPhone|iPad|iPod).*AppleWebKit/, 'Safari WebView'],
];

const SYSTEMS: readonly Rule[] = [
  [/Windows Phone/, 'Windows Phone'],
  [/Windows|Win(?:32|64)\b/, 'Windows'],
  [/iPad/, 'iPadOS'],
  [/iPhone|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/HarmonyOS|OpenHarmony/, 'HarmonyOS'],
  [/KaiOS/i, 'KaiOS'],
  [/Android/, 'Android'],
  [/Macintosh|Mac OS X/, 'macOS'],
  [/Tizen/, 'Tizen'],
  [/Web0S|webOS/, 'webOS'],
  [/FreeBSD|OpenBSD|NetBSD/, 'BSD'],
  [/Linux|X11|Ubuntu|Fedora/, 'Linux'],
];

const TV = /SmartTV|SMART-TV|Smart TV|HbbTV|CrKey|AppleTV|BRAVIA|GoogleTV|Android TV|AFT[A-Z]|PlayStation|Xbox|Nintendo/;
const TABLET = /iPad|Tablet|Kindle|Silk\/|PlayBook/;
const MOBILE = /Mobi|iPhone|iPod|Windows Phone|IEMobile|Opera Mini|BlackBerry|KaiOS/i;
const DESKTOP_OS = new Set(['Windows', 'macOS', 'Linux', 'ChromeOS', 'BSD']);

function firstMatch(ua: string, rules: readonly Rule[]): string | null {
  for (const [pattern, name] of rules) if (pattern.test(ua)) return name;
  return null;
}

function classify(ua: string): UserAgentInfo {
  const bot = firstMatch(ua, BOTS);
  const os = firstMatch(ua, SYSTEMS) ?? 'Other';
  if (bot !== null) return Object.freeze({ browser: bot, os, deviceType: 'bot' });
  const browser = firstMatch(ua, BROWSERS) ?? 'Other';
  let deviceType: DeviceType;
  if (TV.test(ua)) deviceType = 'unknown';
  else if (TABLET.test(ua) || (os === 'Android' && !/Mobile/.test(ua))) deviceType = 'tablet';
  else if (MOBILE.test(ua)) deviceType = 'mobile';
  else if (DESKTOP_OS.has(os)) deviceType = 'desktop';
  else deviceType = 'unknown';
  return Object.freeze({ browser, os, deviceType });
}

const CACHE_LIMIT = 5_000;
const cache = new Map<string, UserAgentInfo>();
const EMPTY: UserAgentInfo = Object.freeze({ browser: 'Other', os: 'Other', deviceType: 'unknown' });

/**
 * Browser family, OS family and device type of a user agent. Results are cached (a few thousand
 * distinct agents make up nearly all traffic); the oldest entry goes when the cache is full.
 * Note: iPadOS in its default "desktop" mode sends a Macintosh user agent and counts as macOS.
 */
export function parseUserAgent(ua: string): UserAgentInfo {
  const cached = cache.get(ua);
  if (cached !== undefined) return cached;
  const key = ua.length > 1024 ? ua.slice(0, 1024) : ua;
  const info = key.trim() === '' ? EMPTY : classify(key);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(ua, info);
  return info;
}

/** Crawlers, headless and automated browsers, HTTP libraries and uptime monitors. */
export function isBot(ua: string): boolean {
  return parseUserAgent(ua).deviceType === 'bot';
}
