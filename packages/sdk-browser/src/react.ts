import { Component, useCallback, useEffect, type ErrorInfo, type ReactNode } from 'react';
import { currentTracker } from './current-tracker.ts';
import type { Tracker } from './tracker.ts';

export interface ActivityTrackingOptions {
  /** The tracker; the last one created when absent. */
  tracker?: Tracker;
  /**
   * The path to record, e.g. react-router's `useLocation().pathname` or a route template. Without
   * it the current location is recorded on mount and the tracker follows the History API. When you
   * pass templates, create the tracker with `autoPageviews: false` so paths are not counted twice.
   */
  path?: string;
}

/**
 * Page tracking for React apps (a page view on mount and whenever `path` changes) and the functions
 * to record events and errors from components.
 */
export function useActivityTracking(options: ActivityTrackingOptions = {}) {
  const tracker = options.tracker ?? currentTracker();
  const { path } = options;
  useEffect(() => {
    tracker?.page(path);
  }, [tracker, path]);
  const trackEvent = useCallback((type: string, props?: Record<string, unknown>) => tracker?.track(type, props), [tracker]);
  const trackError = useCallback((error: unknown) => tracker?.error(error), [tracker]);
  return { trackEvent, trackError };
}

/** The innermost component in a React component stack (`at Quest (...)` or `in Quest`). */
export function componentName(componentStack: string | null | undefined): string | undefined {
  const m = /(?:at|in) ([\w$.]+)/.exec(componentStack ?? '');
  return m ? m[1] : undefined;
}

/** For an error boundary's `componentDidCatch`: records the error with its component stack. */
export function reportComponentError(error: unknown, info: { componentStack?: string | null }, tracker: Tracker | undefined = currentTracker()): void {
  const stack = info.componentStack ?? undefined;
  tracker?.error(error, { component: componentName(stack), componentStack: stack });
}

export interface EbbErrorBoundaryProps {
  children?: ReactNode;
  /** Shown instead of the children after an error. */
  fallback?: ReactNode;
  tracker?: Tracker;
}

/** An error boundary that reports what it catches. */
export class EbbErrorBoundary extends Component<EbbErrorBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    reportComponentError(error, info, this.props.tracker);
  }

  override render(): ReactNode {
    return this.state.failed ? (this.props.fallback ?? null) : (this.props.children ?? null);
  }
}
