/** What a classification rule sees about a finished request. */
export interface RequestFacts {
  method: string;
  /** The route template, e.g. `/api/quests/:questId/start`. */
  route: string;
  status: number;
}

export interface ClassificationRule {
  /** One method or several; any when absent. */
  method?: string | readonly string[];
  /**
   * A route pattern matched against the end of the template, so a prefix such as `/api/v1` is
   * allowed. `:name` or `*` in the pattern stands for one parameter segment of the template
   * (`:questId`, `*`, or `:id` from masking); a RegExp is tested as is.
   * Any route when absent.
   */
  route?: string | RegExp;
  /** A status or an inclusive range; any when absent. */
  status?: number | readonly [number, number];
  type: string;
  category?: string;
}

export interface Classification {
  type: string;
  category?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileRoute(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const segments = pattern.split('/').filter((s) => s !== '');
  // A parameter in the pattern matches a parameter in the template (`:questId`, `*`), not a
  // literal: `GET /quests/:id` is a quest being viewed, `GET /quests/popular` is not.
  const body = segments.map((s) => (s.startsWith(':') || s === '*' ? '/(?::[^/]+|\\*)' : `/${escape(s)}`)).join('');
  return new RegExp(`^(?:/[^/]+)*?${body}/?$`);
}

/**
 * The "smart classification" of requests: the first matching rule names the event type, so
 * `POST /quests/:id/start` becomes `quest_started`. Compiled once; matching is a few regex tests.
 */
export function createClassifier(rules: ReadonlyArray<ClassificationRule>) {
  const compiled = rules.map((r) => ({
    methods: r.method === undefined ? null : new Set((typeof r.method === 'string' ? [r.method] : r.method).map((m) => m.toUpperCase())),
    route: r.route === undefined ? null : compileRoute(r.route),
    status: r.status === undefined ? null : typeof r.status === 'number' ? [r.status, r.status] as const : r.status,
    result: r.category === undefined ? { type: r.type } : { type: r.type, category: r.category },
  }));
  return function classify(facts: RequestFacts): Classification | null {
    for (const c of compiled) {
      if (c.methods && !c.methods.has(facts.method)) continue;
      if (c.status && (facts.status < c.status[0] || facts.status > c.status[1])) continue;
      if (c.route && !c.route.test(facts.route)) continue;
      return c.result;
    }
    return null;
  };
}
