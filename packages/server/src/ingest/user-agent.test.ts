import { describe, expect, it } from 'vitest';
import { isBot, parseUserAgent } from './user-agent.ts';

const table: Array<[string, string, string, string]> = [
  // [user agent, browser, os, device type]
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'Chrome', 'Windows', 'desktop'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80', 'Edge', 'Windows', 'desktop'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0', 'Opera', 'Windows', 'desktop'],
  ['Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko', 'Internet Explorer', 'Windows', 'desktop'],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 'Firefox', 'Linux', 'desktop'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15', 'Safari', 'macOS', 'desktop'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0', 'Firefox', 'macOS', 'desktop'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'Chrome', 'ChromeOS', 'desktop'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1', 'Safari', 'iOS', 'mobile'],
  ['Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'Safari', 'iPadOS', 'tablet'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1', 'Chrome', 'iOS', 'mobile'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15', 'Firefox', 'iOS', 'mobile'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.38.108;FBBV/590000000]', 'Facebook', 'iOS', 'mobile'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'Safari WebView', 'iOS', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', 'Samsung Internet', 'Android', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'Chrome', 'Android', 'tablet'],
  ['Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36', 'Android WebView', 'Android', 'mobile'],
  ['Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0', 'Firefox', 'Android', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-NX9) AppleWebKit/537.36 (KHTML, like Gecko) HuaweiBrowser/14.0.0.300 Mobile Safari/537.36', 'Huawei Browser', 'HarmonyOS', 'mobile'],
  ['Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i; Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5', 'Firefox', 'KaiOS', 'mobile'],
  ['Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.2 like Chrome/124.0.6367.179 Safari/537.36', 'Silk', 'Android', 'tablet'],
  ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36', 'Samsung Internet', 'Tizen', 'unknown'],
  // Crawlers, headless browsers, HTTP libraries.
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot', 'Other', 'bot'],
  ['Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot', 'Android', 'bot'],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'Bingbot', 'Other', 'bot'],
  ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'YandexBot', 'Other', 'bot'],
  ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)', 'Anthropic crawler', 'Other', 'bot'],
  ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.1; +https://openai.com/gptbot', 'OpenAI crawler', 'Other', 'bot'],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Facebook crawler', 'Other', 'bot'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36', 'Headless Chrome', 'Linux', 'bot'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Chrome-Lighthouse', 'Lighthouse', 'macOS', 'bot'],
  ['curl/8.5.0', 'curl', 'Other', 'bot'],
  ['Wget/1.21.4', 'Wget', 'Other', 'bot'],
  ['python-requests/2.31.0', 'python-requests', 'Other', 'bot'],
  ['Python-urllib/3.11', 'Python', 'Other', 'bot'],
  ['Go-http-client/1.1', 'Go', 'Other', 'bot'],
  ['okhttp/4.12.0', 'OkHttp', 'Other', 'bot'],
  ['Java/17.0.2', 'Java', 'Other', 'bot'],
  ['Apache-HttpClient/4.5.14 (Java/17.0.2)', 'Java', 'Other', 'bot'],
  ['axios/1.6.8', 'Node.js', 'Other', 'bot'],
  ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'Node.js', 'Other', 'bot'],
  ['PostmanRuntime/7.37.3', 'API client', 'Other', 'bot'],
  ['Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'Uptime monitor', 'Other', 'bot'],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 'Other bot', 'Other', 'bot'],
  ['', 'Other', 'Other', 'unknown'],
  ['SomeApp/1.0', 'Other', 'Other', 'unknown'],
];

describe('parseUserAgent', () => {
  it.each(table)('%s', (ua, browser, os, deviceType) => {
    expect(parseUserAgent(ua)).toEqual({ browser, os, deviceType });
    expect(isBot(ua)).toBe(deviceType === 'bot');
  });

  it('returns the cached result for a repeated agent', () => {
    const ua = table[0]![0];
    expect(parseUserAgent(ua)).toBe(parseUserAgent(ua));
  });

  it('stays correct past its cache size', () => {
    for (let i = 0; i < 6_000; i++) parseUserAgent(`Probe/${i}`);
    expect(parseUserAgent(table[1]![0])).toEqual({ browser: 'Edge', os: 'Windows', deviceType: 'desktop' });
  });

  it('returns frozen results', () => {
    expect(Object.isFrozen(parseUserAgent(table[2]![0]))).toBe(true);
  });
});
