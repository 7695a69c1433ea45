import { createTracker, type ConsentState, type Tracker } from './tracker.ts';

declare global {
  interface Window {
    ebb?: Tracker;
  }
}

// The <script> build: configured by the tag's data- attributes, exposed as `window.ebb`.
//   <script src="ebb.iife.js" data-key="ebb_brw_..." data-endpoint="https://ebb.example.org" defer></script>
const tag = document.currentScript as HTMLScriptElement | null;
const data = tag ? tag.dataset : {};
if (data.key) {
  window.ebb = createTracker({
    key: data.key,
    endpoint: data.endpoint,
    persist: data.persist === 'true',
    consent: data.consent as ConsentState | undefined,
    privacySignals: data.privacySignals === 'block' ? 'block' : 'anonymous',
    titles: data.titles === 'true',
  });
}
