// The few React declarations the helpers use, so the package typechecks without @types/react
// (React is an optional peer). Apps type-check against their own React types.
declare module 'react' {
  export type ReactNode = string | number | boolean | null | undefined | ReactElement | Iterable<ReactNode>;
  export interface ReactElement {
    type: unknown;
    props: unknown;
    key: string | null;
  }
  export interface ErrorInfo {
    componentStack?: string | null;
  }
  export function useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  export function useCallback<T extends (...args: never[]) => unknown>(callback: T, deps: readonly unknown[]): T;
  export class Component<P = object, S = object> {
    constructor(props: P);
    readonly props: Readonly<P>;
    state: Readonly<S>;
    setState(state: Partial<S>): void;
    componentDidCatch?(error: unknown, info: ErrorInfo): void;
    render(): ReactNode;
  }
}
