import { Component, type ErrorInfo, type ReactNode } from "react";
import "./ErrorBoundary.css";

interface Props {
  /** What shows instead of the children once they threw; `retry` renders them again. */
  fallback(error: Error, retry: () => void): ReactNode;
  /** When it changes (an edited or decrypted event, another room), the children get another try. */
  resetKey?: unknown;
  children: ReactNode;
}

/**
 * Keeps an exception in one part of the view (a malformed event, a panel's
 * bug) in that part: the rest of the app goes on. A class, as React's error
 * boundaries still have to be.
 */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("A view failed to render:", error, info.componentStack);
  }

  override componentDidUpdate(prev: Props) {
    if (this.state.error && !Object.is(prev.resetKey, this.props.resetKey)) this.setState({ error: null });
  }

  retry = () => this.setState({ error: null });

  override render() {
    return this.state.error ? this.props.fallback(this.state.error, this.retry) : this.props.children;
  }
}

/** A panel (room list, room, side panel) that failed: says so, and offers another try. */
export function PanelBoundary({ label, children, resetKey }: { label: string; children: ReactNode; resetKey?: unknown }) {
  return (
    <ErrorBoundary
      resetKey={resetKey}
      fallback={(error, retry) => (
        <section className="panel-error" role="alert" aria-label={label}>
          <p>
            The {label.toLowerCase()} could not be shown: {error.message}
          </p>
          <button className="btn small" onClick={retry}>
            Try again
          </button>
        </section>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}
