import { useEffect, useState } from 'react';

/** Time left until `until`, updated every second ("2 d 3 h", "4 min 10 s"); "due" once passed. */
export function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const ms = Date.parse(until) - now;
  if (Number.isNaN(ms)) return <span>—</span>;
  if (ms <= 0) return <span className="badge warn">due now</span>;
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
  return <time dateTime={until} title={new Date(until).toLocaleString()} data-testid="countdown">{text} left</time>;
}
